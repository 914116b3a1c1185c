/* Registration: show only the part for the chosen "Bạn là", and narrow the unit and ward lists
   as one types (ignoring case and diacritics). Without this script both parts show and the
   "Tìm" buttons reload the page with a shorter list. */
(function () {
  "use strict";
  var form = document.getElementById("register-form");
  if (!form) { return; }

  function fold(text) {
    return (text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

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

  document.querySelectorAll("input[data-filter-for]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-filter-for"));
    if (!select) { return; }
    var count = document.querySelector("[data-count-for='" + select.id + "']");
    // Every option, kept here: hidden <option>s are not hidden on every phone, so the list is
    // rebuilt from this copy instead.
    var all = Array.prototype.map.call(select.options, function (o) {
      return { value: o.value, text: o.text, key: fold(o.text) };
    });
    function apply() {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var current = select.value;
      var shown = 0;
      select.innerHTML = "";
      all.forEach(function (item, index) {
        var keep = index === 0 || item.value === current ||
          words.every(function (w) { return item.key.indexOf(w) !== -1; });
        if (!keep) { return; }
        var option = new Option(item.text, item.value, false, item.value === current);
        select.add(option);
        if (index !== 0) { shown += 1; }
      });
      if (count) { count.textContent = words.length ? (shown + " / " + (all.length - 1)) : ""; }
    }
    box.addEventListener("input", apply);
    var own = document.getElementById(box.getAttribute("form"));
    if (own) {
      own.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    }
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); apply(); select.focus(); }
    });
  });
})();
