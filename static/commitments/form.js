// Prefill the baseline with the region's latest official value when an indicator is chosen
// and the baseline box is still empty (the server does the same when the box is left empty).
(function () {
  "use strict";
  var form = document.getElementById("commitment-form");
  if (!form) { return; }
  var baselines = JSON.parse(form.getAttribute("data-baselines") || "{}");
  var indicator = form.querySelector("[name=indicator_id]");
  var value = form.querySelector("[name=baseline_value]");
  var year = form.querySelector("[name=baseline_year]");
  var note = document.getElementById("baseline-source");
  function fill() {
    var known = baselines[indicator.value];
    if (note) { note.textContent = known ? (known.source + " " + known.year + ": " + known.value) : ""; }
    if (known && !value.value) { value.value = known.value; }
    if (known && !year.value) { year.value = known.year; }
  }
  if (indicator && value && year) { indicator.addEventListener("change", fill); fill(); }
}());
