/* The progress bar of an import the worker runs (templates/imports/progress.html): polls the
   JSON status at data-status-url every second, moves the <progress> bar and the step's text,
   and reloads the page once the job has ended (the page then shows the outcome). */
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box || !box.dataset.statusUrl || !document.getElementById("import-job-bar")) { return; }
  var bar = document.getElementById("import-job-bar");
  var step = document.getElementById("import-job-step");
  function show(status) {
    if (status.total) { bar.max = status.total; }
    bar.value = status.state === "writing" ? bar.max : (status.checked || 0);
    var text = step && step.dataset[status.state];
    if (text) { step.textContent = text; }
  }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { return; }
        if (status.finished) { window.location.reload(); return; }
        show(status);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
}());
