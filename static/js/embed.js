/* Countdown on the framed contest widget (templates/embed/contest.html). The end time comes
   from the server (data-countdown-end, ISO 8601 UTC); the page also shows it as text. */
(function () {
  "use strict";
  var el = document.querySelector("[data-countdown-end]");
  if (!el) { return; }
  var end = Date.parse(el.dataset.countdownEnd);
  if (isNaN(end)) { return; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.floor((end - Date.now()) / 1000);
    if (left <= 0) { el.textContent = el.dataset.done; return; }
    var days = Math.floor(left / 86400);
    var h = Math.floor((left % 86400) / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    el.textContent = (days ? days + " " + el.dataset.day + " " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    window.setTimeout(tick, 1000);
  }
  tick();
})();
