/* Surveys: one section per screen with progress on the answer page, answers kept in
   localStorage until the thank-you page confirms the submission (a dropped connection loses
   nothing), keyboard entry for staff, confirmations. Without JavaScript every page still works
   as a plain form. */
(function () {
  "use strict";

  function storeGet(key) {
    if (!key) { return null; }
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function storeSet(key, value) {
    if (!key) { return; }
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function storeDel(key) {
    if (!key) { return; }
    try { window.localStorage.removeItem(key); } catch (e) { /* private mode */ }
  }
  function storeKey(id) { return "survey-answers-" + id; }

  /* ---- Thank-you page: the submission arrived, forget the kept answers. */
  var done = document.getElementById("survey-done");
  if (done) { storeDel(storeKey(done.dataset.survey)); }

  /* ---- Confirmation of destructive actions, copy-link buttons. */
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (!window.confirm(f.dataset.confirm)) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    b.addEventListener("click", function () {
      var done = function () { b.textContent = b.dataset.copied || b.textContent; };
      if (navigator.clipboard) { navigator.clipboard.writeText(b.dataset.copy).then(done, done); }
    });
  });

  /* ---- Staff entry: digits choose an answer and move on; Ctrl+Enter saves. */
  var entry = document.getElementById("survey-entry");
  if (entry) {
    var blocks = Array.prototype.slice.call(entry.querySelectorAll("fieldset.survey-q"));
    var first = blocks.length ? blocks[0].querySelector("input, textarea") : null;
    if (first && !entry.querySelector(".has-error")) { first.focus(); }
    var invalid = entry.querySelector(".has-error input, .has-error textarea");
    if (invalid) { invalid.focus(); }
    entry.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault(); entry.requestSubmit(); return;
      }
      var fs = event.target.closest("fieldset.survey-q");
      if (!fs || event.target.type !== "radio" || !/^[1-9]$/.test(event.key)) { return; }
      var radios = fs.querySelectorAll("input[type=radio]");
      var pick = radios[parseInt(event.key, 10) - 1];
      if (!pick) { return; }
      event.preventDefault();
      pick.checked = true;
      var next = blocks[blocks.indexOf(fs) + 1];
      var target = next ? next.querySelector("input, textarea") : entry.querySelector("button[type=submit]");
      if (target) { target.focus(); }
    });
  }

  /* ---- Answer page. */
  var root = document.getElementById("survey");
  if (!root) { return; }
  var form = document.getElementById("survey-form");
  var i18n = document.getElementById("survey-i18n").dataset;
  /* On a shared kiosk nothing is kept between citizens: no answers in localStorage. */
  var kioskMode = root.dataset.kiosk === "true";
  var key = kioskMode ? null : storeKey(root.dataset.survey);
  var sections = Array.prototype.slice.call(form.querySelectorAll(".survey-section"));
  var submitBox = form.querySelector(".survey-submit");
  var submitBtn = document.getElementById("survey-submit");
  var banner = document.getElementById("offline-banner");
  var current = 0;
  if (!sections.length) { return; }
  root.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });

  function fields() {
    var answers = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name.charAt(0) !== "q") { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (!answers[el.name]) { answers[el.name] = []; }
        if (el.checked) { answers[el.name].push(el.value); }
      } else {
        answers[el.name] = el.value;
      }
    });
    return answers;
  }
  function save() { storeSet(key, { answers: fields(), section: current }); }
  function restore(saved) {
    var any = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in saved.answers)) { return; }
      var value = saved.answers[el.name];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = value.indexOf(el.value) !== -1;
        any = any || el.checked;
      } else if (typeof value === "string") {
        el.value = value;
        any = any || value !== "";
      }
    });
    return any;
  }

  function answered(fs) {
    if (fs.querySelector("input[type=radio], input[type=checkbox]")) {
      return !!fs.querySelector("input:checked");
    }
    var input = fs.querySelector("input, textarea");
    return !!(input && input.value.trim());
  }
  function setError(fs, message) {
    var box = fs.querySelector(".invalid-feedback");
    fs.classList.toggle("border-danger", !!message);
    box.textContent = message || "";
    box.classList.toggle("d-block", !!message);
  }
  function missingIn(section) {
    var missing = [];
    section.querySelectorAll('fieldset.survey-q[data-required="true"]').forEach(function (fs) {
      if (answered(fs)) { setError(fs, ""); } else { setError(fs, i18n.required); missing.push(fs); }
    });
    return missing;
  }

  function show(index, focus) {
    current = Math.max(0, Math.min(sections.length - 1, index));
    sections.forEach(function (s, i) { s.hidden = i !== current; });
    submitBox.hidden = current !== sections.length - 1;
    var title = sections[current].querySelector("h2").textContent;
    document.getElementById("progress-label").textContent =
      i18n.section.replace("__N__", current + 1).replace("__M__", sections.length) + ": " + title;
    document.getElementById("progress").value = current + 1;
    if (focus) {
      sections[current].querySelector("h2").focus({ preventScroll: true });
      /* Back to the progress bar (the introduction above it was read on the first page). */
      window.scrollTo({ top: root.getBoundingClientRect().top + window.scrollY, behavior: "instant" });
    }
    save();
  }
  function sectionOf(el) { return sections.indexOf(el.closest(".survey-section")); }

  form.addEventListener("click", function (event) {
    var nav = event.target.closest("[data-nav]");
    if (!nav) { return; }
    if (nav.dataset.nav === "prev") { show(current - 1, true); return; }
    var missing = missingIn(sections[current]);
    if (missing.length) { missing[0].querySelector("input, textarea").focus(); return; }
    show(current + 1, true);
  });
  document.querySelectorAll("[data-goto]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var fs = document.getElementById("q" + link.dataset.goto);
      if (!fs) { return; }
      event.preventDefault();
      show(sectionOf(fs), false);
      var input = fs.querySelector("input, textarea");
      if (input) { input.focus(); }
    });
  });
  form.addEventListener("change", save);
  form.addEventListener("input", save);
  form.addEventListener("change", function (event) {
    var fs = event.target.closest("fieldset.survey-q");
    if (fs && answered(fs)) { setError(fs, ""); }
  });

  function setOffline(off) { banner.classList.toggle("d-none", !off); }
  window.addEventListener("offline", function () { setOffline(true); });
  window.addEventListener("online", function () { setOffline(false); });
  window.addEventListener("pageshow", function () {
    submitBtn.disabled = false; submitBtn.textContent = submitBtn.dataset.label || submitBtn.textContent;
  });

  form.addEventListener("submit", function (event) {
    save();
    if (navigator.onLine === false) { event.preventDefault(); setOffline(true); return; }
    for (var i = 0; i < sections.length; i++) {
      var missing = missingIn(sections[i]);
      if (missing.length) {
        event.preventDefault();
        show(i, false);
        missing[0].querySelector("input, textarea").focus();
        return;
      }
    }
    /* The answers stay in localStorage until the thank-you page confirms the submission. */
    submitBtn.dataset.label = submitBtn.textContent;
    submitBtn.textContent = i18n.sending;
    window.setTimeout(function () { submitBtn.disabled = true; }, 0);
  });

  var saved = storeGet(key);
  var start = 0;
  var firstError = form.querySelector("fieldset.has-error");
  if (firstError) {
    start = sectionOf(firstError);
  } else if (saved && saved.answers && root.dataset.hasErrors !== "true") {
    if (restore(saved)) {
      start = saved.section || 0;
      var note = document.createElement("div");
      note.className = "alert alert-info"; note.setAttribute("role", "status");
      note.textContent = i18n.restored;
      root.insertBefore(note, form);
    }
  }
  show(start, false);
})();
