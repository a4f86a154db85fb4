// The progress bar of a job page (findings/job.html): polls the job's JSON status until it is
// done (the download link appears) or failed (its reason appears).
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

  function show(status) {
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
  }

  function poll() {
    fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((status) => {
        show(status);
        if (status.status === "queued" || status.status === "running") setTimeout(poll, 1000);
      })
      .catch(() => setTimeout(poll, 5000));
  }

  if (section.dataset.status === "queued" || section.dataset.status === "running") poll();
})();
