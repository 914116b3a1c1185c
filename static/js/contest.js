// The contest page: the rules (thể lệ) are folded behind "Xem thể lệ" on phones; on wide
// screens they start open. Without JavaScript the <details> toggle works the same.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(min-width: 768px)").matches) {
    return;
  }
  document.querySelectorAll("details[data-open-wide]").forEach(function (el) {
    el.open = true;
  });
})();
