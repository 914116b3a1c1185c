/* Poll a background job's status every 2 s and reload the page once it has finished, so the
   result (or the error) is shown by the server-rendered page (jobs/job.html). */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "true") { return; }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { setTimeout(poll, 5000); return; }
        if (job.finished) { window.location.reload(); return; }
        document.getElementById("job-status").textContent = job.status_label;
        var bar = document.getElementById("job-bar");
        bar.textContent = job.progress + "%";
        bar.className = "progress-bar job-progress-" + (Math.floor(job.progress / 10) * 10);
        bar.parentNode.setAttribute("aria-valuenow", job.progress);
        document.getElementById("job-message").textContent = job.message || "";
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
