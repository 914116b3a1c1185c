// The round form's "Thêm dòng": without JavaScript the button re-renders the form with one
// more row (the server does it); with JavaScript the last row is copied in place, its field
// names and ids renumbered and its values cleared, so nothing typed is sent yet.
(function () {
  "use strict";
  var button = document.querySelector("[data-add-row]");
  var body = document.querySelector("[data-blueprint-rows]");
  if (!button || !body) {
    return;
  }
  var max = parseInt(body.getAttribute("data-max-rows"), 10) || 30;
  button.addEventListener("click", function (event) {
    var rows = body.querySelectorAll("tr");
    if (!rows.length) {
      return; // let the server add it
    }
    event.preventDefault();
    var index = rows.length;
    var row = rows[rows.length - 1].cloneNode(true);
    row.querySelectorAll("[name], [id]").forEach(function (el) {
      ["name", "id"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) {
          el.setAttribute(attr, value.replace(/^lines-\d+-/, "lines-" + index + "-"));
        }
      });
      if (el.tagName === "SELECT") {
        el.selectedIndex = 0;
        Array.prototype.forEach.call(el.options, function (option) {
          option.removeAttribute("selected");
        });
      } else if (el.tagName === "INPUT") {
        el.value = "";
        el.removeAttribute("value");
      }
    });
    body.appendChild(row);
    var first = row.querySelector("select, input");
    if (first) {
      first.focus();
    }
    if (index + 1 >= max) {
      button.disabled = true;
    }
  });
})();
