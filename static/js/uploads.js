/* Forms with attachments. (1) A file over the limits (data-max-bytes per file,
   data-max-total-bytes together, data-max-files) is refused here, before anything is sent:
   a Vietnamese sentence beside the field, the form not submitted, nothing typed lost.
   (2) What is typed in a form marked data-draft is kept in sessionStorage, and put back when
   the server refused the whole request as too large (its 413 page links back here with
   ?khoi_phuc=1) or when one comes back with the browser's Back button. Without this script
   the server still checks every file and its 413 page links back to the form. */
(function () {
  "use strict";

  function checkFiles(input) {
    var files = Array.prototype.slice.call(input.files || []);
    var perFile = parseInt(input.dataset.maxBytes, 10);
    var total = parseInt(input.dataset.maxTotalBytes, 10);
    var count = parseInt(input.dataset.maxFiles, 10);
    var big = files.filter(function (f) { return !isNaN(perFile) && f.size > perFile; })[0];
    if (big) { return input.dataset.msgTooLarge.replace("__NAME__", big.name); }
    if (!isNaN(count) && files.length > count) { return input.dataset.msgTooMany; }
    var sum = files.reduce(function (n, f) { return n + f.size; }, 0);
    if (!isNaN(total) && sum > total) { return input.dataset.msgTotal; }
    return "";
  }

  function show(input, message) {
    var box = document.querySelector('[data-file-check-for="' + input.id + '"]');
    if (box) { box.textContent = message; box.hidden = !message; }
    input.classList.toggle("is-invalid", !!message);
    if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () { show(input, checkFiles(input)); });
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        var message = checkFiles(input);
        show(input, message);
        if (message) {
          event.preventDefault();
          event.stopImmediatePropagation();
          input.focus();
        }
      });
    }
  });

  /* ---- Drafts of what was typed. */
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && !el.disabled &&
        ["file", "hidden", "submit", "button", "password"].indexOf(el.type) === -1;
    });
  }
  function read(key) {
    try { return JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function write(key, value) {
    try { window.sessionStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  var navigation = (performance.getEntriesByType && performance.getEntriesByType("navigation")[0]) || {};
  var restoring = /[?&]khoi_phuc=1(&|$)/.test(window.location.search);
  var backForward = navigation.type === "back_forward";

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = "draft-" + form.dataset.draft;
    var draft = read(key);
    if (draft && (restoring || backForward)) {
      var restored = false;
      fields(form).forEach(function (el) {
        if (!Object.prototype.hasOwnProperty.call(draft, el.name)) { return; }
        var value = draft[el.name];
        if (el.type === "checkbox" || el.type === "radio") {
          if (restoring) { el.checked = value.indexOf(el.value) !== -1; restored = true; }
        } else if (restoring || !el.value) {
          if (el.value !== value) { el.value = value; restored = true; }
        }
      });
      var notice = form.querySelector("[data-draft-notice]");
      if (restored && notice) {
        notice.textContent = form.dataset.draftRestored;
        notice.classList.remove("d-none");
      }
    }
    function save() {
      var data = {};
      fields(form).forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          data[el.name] = data[el.name] || [];
          if (el.checked) { data[el.name].push(el.value); }
        } else {
          data[el.name] = el.value;
        }
      });
      write(key, data);
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });
})();
