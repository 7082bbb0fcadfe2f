/* Page behaviour that templates ask for with data- attributes. The Content-Security-Policy
   (script-src 'self') refuses inline handlers such as onclick="..." and onsubmit="...", so
   they live here:
   - <form data-confirm="question">  asks before sending the form;
   - <input data-select-on-click>    selects its whole value on click (links to copy);
   - <button data-print>             opens the print dialog;
   - <button data-pick-all="selector"> ticks every checkbox the selector matches;
   - <div data-show-when="select-id=value"> is shown only while that select has that value
     (without script it always shows, so the form still works);
   - <button data-copy="input-id">   copies that input's value (Clipboard API; where it is not
     available or refused, the input's text is selected and copied the old way), shows the
     button's data-copied label for a moment and fires "rakor:copied" on the button. */
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
    var pickAll = target.closest("button[data-pick-all]");
    if (pickAll) {
      document.querySelectorAll(pickAll.dataset.pickAll).forEach(function (box) { box.checked = true; });
    }
    var copy = target.closest("button[data-copy]");
    if (copy) { copyFrom(copy); }
  });

  function copied(button) {
    var label = button.dataset.copied;
    if (label) {
      if (!button.dataset.label) { button.dataset.label = button.textContent; }
      button.textContent = label;
      window.setTimeout(function () { button.textContent = button.dataset.label; }, 2000);
    }
    button.dispatchEvent(new CustomEvent("rakor:copied", { bubbles: true }));
  }

  function copyFrom(button) {
    var input = document.getElementById(button.dataset.copy);
    if (!input) { return; }
    var fallback = function () {
      input.focus();
      input.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      if (ok) { copied(button); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { copied(button); }, fallback);
    } else {
      fallback();
    }
  }
  function showWhen() {
    document.querySelectorAll("[data-show-when]").forEach(function (block) {
      var rule = block.dataset.showWhen.split("=");
      var select = document.getElementById(rule[0]);
      if (!select) { return; }
      var update = function () { block.hidden = select.value !== rule[1]; };
      select.addEventListener("change", update);
      update();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showWhen);
  } else {
    showWhen();
  }
})();
