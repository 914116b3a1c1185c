/* Copy a one-time link or a snippet shown to the organiser (organiser/account_links.html,
   quiz_admin/contest.html). */
(function () {
  "use strict";
  document.querySelectorAll(".copy-link").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var input = document.getElementById(btn.dataset.target);
      if (!input) { return; }
      input.select();
      if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value).then(function () { btn.textContent = btn.dataset.copied; });
      }
    });
  });
})();
