/* Long lists (units, communes and wards): a search box marked data-filter-for="<select id>"
   narrows the <select> as one types, ignoring case and diacritics ("phuong ben nghe" keeps
   "Phường Bến Nghé"); the choice already made stays. A box marked hidden is shown only here,
   where it works; without this script the plain <select> (and any server search form the
   box belongs to) still works. */
(function () {
  "use strict";

  function fold(text) {
    return (text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

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
    var wrapper = box.closest("[data-filter-box]");
    if (wrapper) { wrapper.hidden = false; }
    var own = box.getAttribute("form") && document.getElementById(box.getAttribute("form"));
    if (own) {
      own.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    }
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); apply(); select.focus(); }
    });
  });
})();
