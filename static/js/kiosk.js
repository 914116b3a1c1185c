/* Kiosk thank-you screen: back to an empty survey form after a few seconds (the Refresh
   header does the same without JavaScript). */
(function () {
  "use strict";
  var done = document.getElementById("kiosk-done");
  if (!done) { return; }
  var seconds = parseInt(done.dataset.reset, 10) || 8;
  window.setTimeout(function () { window.location.replace(done.dataset.next); }, seconds * 1000);
})();
