// The segment editor's live count: as the rules change, ask the server for the count and the
// first members (an HTML fragment it renders, escaped) and show it beside the form.
(function () {
  "use strict";
  var form = document.getElementById("segment-form");
  var live = document.getElementById("segment-live");
  if (!form || !live || !window.fetch) { return; }
  var timer = null;
  var asked = 0;
  function refresh() {
    var mine = ++asked;
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && mine === asked) { live.innerHTML = html; }
    }).catch(function () { /* the Preview button still works */ });
  }
  function later() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 300);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
