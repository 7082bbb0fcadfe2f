/* The badge page's Print button (no inline handler: the CSP allows only scripts from here). */
(function () {
  "use strict";
  var button = document.getElementById("print-badges");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
