// The progress of a job page (_job_progress.html): polls the job's JSON status until it has
// finished: the download link appears when done, the reason when failed; the cancel button
// shows while the job may still be cancelled. A page that shows what its job made reloads once
// it is done (data-reload-when-done).
(function () {
  "use strict";
  const section = document.getElementById("job");
  if (!section) return;
  const bar = document.getElementById("job-progress");
  const percent = document.getElementById("job-percent");
  const state = document.getElementById("job-state");
  const labels = JSON.parse(state.dataset.labels);
  const error = document.getElementById("job-error");
  const download = document.getElementById("job-download");
  const cancel = document.getElementById("job-cancel");
  const unfinished = (status) => status === "queued" || status === "running";

  function show(status) {
    if (status.status === "done" && "reloadWhenDone" in section.dataset) {
      window.location.reload();
      return;
    }
    bar.value = status.progress;
    percent.textContent = status.progress + "%";
    state.textContent = labels[status.status] || status.status;
    section.dataset.status = status.status;
    if (status.error) {
      error.textContent = status.error;
      error.classList.remove("d-none");
    }
    if (status.download_url) {
      download.href = status.download_url;
      download.classList.remove("d-none");
    }
    cancel.classList.toggle("d-none", !status.cancel_url);
  }

  function poll() {
    fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((status) => {
        show(status);
        if (unfinished(status.status)) setTimeout(poll, 1000);
      })
      .catch(() => setTimeout(poll, 5000));
  }

  if (unfinished(section.dataset.status)) poll();
})();
