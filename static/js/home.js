/* Home page countdown. The end time and the server's time come from the page (ISO 8601 UTC);
   the phone's clock is used only to measure the seconds passed since the page arrived, so a
   phone set to the wrong time still counts down right. Without JavaScript the end time is
   shown as text. */
(function () {
  "use strict";
  var el = document.getElementById("home-countdown");
  if (!el) { return; }
  var end = Date.parse(el.dataset.end);
  var serverNow = Date.parse(el.dataset.serverNow);
  if (isNaN(end) || isNaN(serverNow)) { return; }
  var offset = serverNow - Date.now();
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.floor((end - (Date.now() + offset)) / 1000);
    if (left <= 0) { el.textContent = el.dataset.done; return; }
    var days = Math.floor(left / 86400);
    var h = Math.floor((left % 86400) / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    el.textContent = (days ? days + " " + el.dataset.day + " " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    window.setTimeout(tick, 1000);
  }
  el.hidden = false;
  tick();
})();
