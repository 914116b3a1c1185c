// Live dashboard: refresh the counters every 20 s from the page's .json twin, without a reload.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-url]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-live-url");
  function put(name, value) {
    document.querySelectorAll('[data-stat="' + name + '"]').forEach(function (el) {
      el.textContent = Number(value).toLocaleString("vi-VN");
    });
  }
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        ["started", "in_progress", "submitted", "submitted_today", "registered", "joined"]
          .forEach(function (k) { if (k in data) { put(k, data[k]); } });
        (data.rounds || []).forEach(function (r) {
          ["started", "in_progress", "submitted", "submitted_today"].forEach(function (k) {
            put("r" + r.id + "-" + k, r[k]);
          });
        });
        var stamp = document.querySelector("[data-live-stamp]");
        if (stamp) { stamp.textContent = new Date().toLocaleTimeString("vi-VN"); }
      })
      .catch(function () { /* keep the last figures; try again next time */ });
  }
  setInterval(refresh, 20000);
})();
