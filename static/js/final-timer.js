// The final's presentation timer on the secretary's and the judges' tablets. The server gives
// its own "now", the start of the running stretch and the seconds run before it; the page
// only measures how long ago it loaded (never trusts the tablet's clock), and polls the state
// so that start and pause by the secretary reach every tablet within seconds.
(function () {
  "use strict";

  var box = document.querySelector("[data-final-timer]");
  if (!box) {
    return;
  }
  var display = box.querySelector("[data-timer-clock]");
  var phaseText = box.querySelector("[data-timer-phase]");
  var labels = {
    not_started: box.getAttribute("data-label-not-started"),
    presentation: box.getAttribute("data-label-presentation"),
    questions: box.getAttribute("data-label-questions"),
    over: box.getAttribute("data-label-over"),
  };
  var state = null;
  var receivedAt = 0; // performance.now() when `state` arrived
  var lastPhase = null;

  function read(data) {
    state = data;
    receivedAt = performance.now();
  }

  function elapsed() {
    if (!state) {
      return 0;
    }
    var since = state.running ? (performance.now() - receivedAt) / 1000 : 0;
    return state.elapsed + since;
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function mmss(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    return pad(Math.floor(s / 60)) + ":" + pad(s % 60);
  }

  function render() {
    if (!state) {
      return;
    }
    var run = elapsed();
    var p = state.presentation_seconds;
    var q = state.questions_seconds;
    var phase;
    var left;
    if (!state.running && run <= 0) {
      phase = "not_started";
      left = p;
    } else if (run < p) {
      phase = "presentation";
      left = p - run;
    } else if (run < p + q) {
      phase = "questions";
      left = p + q - run;
    } else {
      phase = "over";
      left = 0;
    }
    display.textContent = mmss(left);
    box.setAttribute("data-phase", phase);
    box.setAttribute("data-running", state.running ? "1" : "0");
    box.classList.toggle("text-bg-warning", phase === "questions");
    box.classList.toggle("text-bg-danger", phase === "over");
    box.classList.toggle("text-bg-primary", phase === "presentation");
    if (phase !== lastPhase) {
      phaseText.textContent = labels[phase] || "";
      lastPhase = phase;
    }
  }

  function poll() {
    fetch(box.getAttribute("data-state-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          read(data);
          render();
        }
      })
      .catch(function () {});
  }

  read(JSON.parse(box.getAttribute("data-state")));
  render();
  window.setInterval(render, 250);
  window.setInterval(poll, Number(box.getAttribute("data-poll-ms") || 3000));
})();
