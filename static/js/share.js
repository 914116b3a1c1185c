/* Copy the contest link (never the score) to share it on Zalo or Facebook. */
(function () {
  "use strict";
  var btn = document.getElementById("share-btn");
  if (!btn) { return; }
  btn.addEventListener("click", function () {
    var url = btn.dataset.url;
    if (navigator.share) { navigator.share({ url: url }).catch(function () {}); return; }
    if (navigator.clipboard) {
      navigator.clipboard.writeText(url).then(function () { btn.textContent = btn.dataset.copied; });
    } else {
      window.prompt("", url);
    }
  });
})();
