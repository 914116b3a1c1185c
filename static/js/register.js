/* Registration: show only the part for the chosen "Bạn là" (the unit and ward lists narrow as
   one types through list-filter.js). Without this script both parts show and the "Tìm"
   buttons reload the page with a shorter list. */
(function () {
  "use strict";
  var form = document.getElementById("register-form");
  if (!form) { return; }

  function showKind() {
    var chosen = form.querySelector("input[data-kind]:checked");
    var kind = chosen ? chosen.value : "official";
    form.querySelectorAll("[data-kind-section]").forEach(function (section) {
      section.hidden = section.getAttribute("data-kind-section") !== kind;
    });
  }
  form.querySelectorAll("input[data-kind]").forEach(function (radio) {
    radio.addEventListener("change", showKind);
  });
  showKind();
})();
