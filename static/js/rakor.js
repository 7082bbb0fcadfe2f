/* Page behaviour that templates ask for with data- attributes. The Content-Security-Policy
   (script-src 'self') refuses inline handlers such as onclick="..." and onsubmit="...", so
   they live here:
   - <form data-confirm="question">  asks before sending the form;
   - <input data-select-on-click>    selects its whole value on click (links to copy);
   - <button data-print>             opens the print dialog. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) { return; }
    var input = target.closest("input[data-select-on-click]");
    if (input) { input.select(); }
    if (target.closest("[data-print]")) { window.print(); }
  });
})();
