/* Taking a quiz: server-timed countdown, per-answer autosave with an offline queue,
   question navigator, submit confirmation. The page also works as a plain form without it. */
(function () {
  "use strict";
  var root = document.getElementById("quiz");
  if (!root) { return; }
  var form = document.getElementById("quiz-form");
  var i18n = document.getElementById("i18n").dataset;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var attemptId = root.dataset.attempt;
  var apiBase = root.dataset.api;            // ".../answers/" (question id appended)
  var predictionUrl = root.dataset.predictionUrl;
  var storeKey = "quiz-pending-" + attemptId;
  var submitting = false;
  document.querySelectorAll("[data-no-js-hint]").forEach(function (el) { el.hidden = true; });

  /* ---- Countdown: the server's deadline minus the server's time, run on a monotonic clock. */
  var timer = document.getElementById("timer");
  var announce = document.getElementById("timer-announce");
  var startRemaining = (Date.parse(root.dataset.deadline) - Date.parse(root.dataset.serverTime)) / 1000;
  var t0 = performance.now();
  var warned5 = false, warned1 = false;
  function remaining() { return Math.max(0, startRemaining - (performance.now() - t0) / 1000); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.ceil(remaining());
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    timer.textContent = (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
    if (left <= 60) {
      timer.classList.remove("text-bg-primary", "text-bg-warning"); timer.classList.add("text-bg-danger");
      if (!warned1) { warned1 = true; announce.textContent = i18n.oneMinute; }
    } else if (left <= 300) {
      timer.classList.remove("text-bg-primary"); timer.classList.add("text-bg-warning");
      if (!warned5) { warned5 = true; announce.textContent = i18n.fiveMinutes; }
    }
    if (left <= 0) { announce.textContent = i18n.timeUp; submitNow(); return; }
    window.setTimeout(tick, 250);
  }
  tick();

  /* ---- Autosave with a queue kept in localStorage and retried with backoff. */
  function loadQueue() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function saveQueue(q) {
    try { window.localStorage.setItem(storeKey, JSON.stringify(q)); } catch (e) { /* private mode */ }
  }
  var queue = loadQueue();
  var delay = 1000, retryTimer = null;

  function stateEl(qid) {
    var box = qid === "prediction" ? document.getElementById("prediction") : form.querySelector('fieldset[data-q="' + qid + '"]');
    if (!box) { return null; }
    var holder = qid === "prediction" ? box.parentNode : box;
    return holder.querySelector(".save-state");
  }
  function setState(qid, text, cls) {
    var el = stateEl(qid);
    if (el) { el.textContent = text; el.className = "save-state small " + (cls || "text-muted"); }
  }
  function chosen(fieldset) {
    return Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (i) { return parseInt(i.value, 10); });
  }
  function markNavigator(qid, answered) {
    var link = document.querySelector('.nav-q[data-q="' + qid + '"]');
    if (!link) { return; }
    link.classList.toggle("answered", answered);
    link.setAttribute("aria-label", (answered ? i18n.navAnswered : i18n.navUnanswered)
      .replace("__N__", link.dataset.position));
    var progress = document.getElementById("nav-progress");
    if (progress) {
      progress.textContent = document.querySelectorAll(".nav-q.answered").length + "/" +
        document.querySelectorAll(".nav-q").length;
    }
  }
  function send(qid, body) {
    var url = qid === "prediction" ? predictionUrl : apiBase + qid;
    setState(qid, i18n.saving);
    return fetch(url, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (res) {
      if (res.ok) {
        var q = loadQueue();
        if (JSON.stringify(q[qid]) === JSON.stringify(body)) { delete q[qid]; saveQueue(q); }
        setState(qid, i18n.saved, "text-success");
        document.getElementById("offline-banner").classList.add("d-none");
        delay = 1000;
        return true;
      }
      if (res.status === 409 || res.status === 422 || res.status === 404) {
        var q2 = loadQueue(); delete q2[qid]; saveQueue(q2);
        setState(qid, i18n.rejected, "text-danger");
        return true;
      }
      throw new Error("HTTP " + res.status);
    }).catch(function () {
      setState(qid, i18n.retry, "text-warning");
      document.getElementById("offline-banner").classList.remove("d-none");
      scheduleRetry();
      return false;
    });
  }
  function enqueue(qid, body) {
    var q = loadQueue(); q[qid] = body; saveQueue(q);
    return send(qid, body);
  }
  function scheduleRetry() {
    if (retryTimer) { return; }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
      delay = Math.min(delay * 2, 30000);
    }, delay);
  }
  function flush() {
    var q = loadQueue();
    return Promise.all(Object.keys(q).map(function (qid) { return send(qid, q[qid]); }));
  }
  window.addEventListener("online", function () { delay = 1000; flush(); });
  window.addEventListener("offline", function () {
    document.getElementById("offline-banner").classList.remove("d-none");
  });

  /* Answers queued by an earlier visit that never reached the server come back first. */
  Object.keys(queue).forEach(function (qid) {
    if (qid === "prediction") {
      var p = document.getElementById("prediction"); if (p) { p.value = queue[qid].value; }
      return;
    }
    var fs = form.querySelector('fieldset[data-q="' + qid + '"]');
    if (!fs) { return; }
    fs.querySelectorAll("input").forEach(function (input) {
      input.checked = queue[qid].option_ids.indexOf(parseInt(input.value, 10)) !== -1;
    });
    markNavigator(qid, queue[qid].option_ids.length > 0);
  });
  flush();

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "prediction") {
      var v = parseInt(target.value, 10);
      if (!isNaN(v) && v >= 0) { enqueue("prediction", { value: v }); }
      return;
    }
    var fs = target.closest("fieldset[data-q]");
    if (!fs) { return; }
    var ids = chosen(fs);
    markNavigator(fs.dataset.q, ids.length > 0);
    enqueue(fs.dataset.q, { option_ids: ids });
  });

  /* ---- Keyboard: Enter chooses an option too (Space does so natively); without this, Enter
     in a form would post it with the first button ("Lưu câu trả lời") and reload the page. */
  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key === "Enter" && input.id === "prediction") {  // save the number, stay here
      event.preventDefault();
      input.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    if (event.key !== "Enter" || !input.matches || !input.matches("fieldset[data-q] input[type=radio], fieldset[data-q] input[type=checkbox]")) { return; }
    event.preventDefault();
    input.checked = input.type === "checkbox" ? !input.checked : true;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  /* ---- Navigator: collapsible behind "Danh sách câu" on phones (the sticky bar stays short);
     a number scrolls its question below the bar and moves the keyboard focus into it. */
  var bar = document.getElementById("quiz-bar");
  var nav = document.getElementById("question-nav");
  var toggle = document.getElementById("nav-toggle");
  var wide = window.matchMedia("(min-width: 768px)").matches;
  function setExpanded(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.hidden = !open;
    document.documentElement.style.setProperty("--quiz-bar-height", bar.offsetHeight + "px");
  }
  toggle.hidden = false;
  setExpanded(wide);
  toggle.addEventListener("click", function () { setExpanded(nav.hidden); });
  nav.addEventListener("click", function (event) {
    var link = event.target.closest(".nav-q");
    if (!link) { return; }
    event.preventDefault();
    if (!wide) { setExpanded(false); }
    var fs = document.getElementById(link.getAttribute("href").slice(1));
    if (!fs) { return; }
    var target = fs.querySelector("input:checked") || fs.querySelector("input");
    fs.scrollIntoView({ block: "start" });
    if (target) { target.focus({ preventScroll: true }); }
  });
  window.addEventListener("resize", function () {
    document.documentElement.style.setProperty("--quiz-bar-height", bar.offsetHeight + "px");
  });

  /* ---- Submitting: confirmation listing unanswered questions; one submission only. */
  var dialog = document.getElementById("confirm-submit");
  function submitNow() {
    if (submitting) { return; }
    submitting = true;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = "action"; hidden.value = "submit";
    form.appendChild(hidden);
    var done = function () { try { window.localStorage.removeItem(storeKey); } catch (e) {} form.submit(); };
    /* Give pending saves a moment; the form itself carries every answer anyway. */
    Promise.race([flush(), new Promise(function (r) { window.setTimeout(r, 1500); })]).then(done, done);
  }
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (!submitter || submitter.value !== "submit") { return; }
    event.preventDefault();
    var missing = [];
    form.querySelectorAll("fieldset[data-q]").forEach(function (fs, i) {
      if (!fs.querySelector("input:checked")) { missing.push(i + 1); }
    });
    var p = document.getElementById("confirm-unanswered");
    p.textContent = missing.length ? p.dataset.template.replace("__LIST__", missing.join(", ")) : "";
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { submitNow(); }
  });
  document.getElementById("confirm-cancel").addEventListener("click", function () { dialog.close(); });
  document.getElementById("confirm-ok").addEventListener("click", function () { dialog.close(); submitNow(); });
})();
