/* The links page: each new link must reach its agency before the page is left, since it is
   shown only here. A row counts as handed over once its link was copied, shared on WhatsApp,
   e-mailed (the server marks those rows data-handled) or downloaded with all the others; the
   rows handed over are remembered for this tab (sessionStorage), so the page re-rendered after
   an e-mail keeps them. Leaving with a row not handed over asks first (beforeunload). */
(function () {
  "use strict";
  var form = document.getElementById("links-form");
  if (!form) { return; }
  var KEY = "rakor.links.handled";
  var submitting = false;

  function stored() {
    try { return JSON.parse(window.sessionStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }

  function remember(id) {
    try {
      var ids = stored();
      if (ids.indexOf(id) < 0) { ids.push(id); }
      window.sessionStorage.setItem(KEY, JSON.stringify(ids));
    } catch (e) { /* storage refused: the row is still marked on this page */ }
  }

  function markHandled(row) {
    if (!row) { return; }
    row.setAttribute("data-handled", "");
    remember(row.dataset.invitationId);
    var state = row.querySelector(".link-state");
    if (state && state.dataset.done) {
      state.textContent = state.dataset.done;
      state.classList.remove("text-bg-warning");
      state.classList.add("text-bg-success");
    }
    updateCount();
  }

  function pendingRows() {
    return form.querySelectorAll("[data-link-row]:not([data-handled])");
  }

  function updateCount() {
    var counter = document.getElementById("links-pending");
    if (counter) { counter.textContent = String(pendingRows().length); }
  }

  var known = stored();
  form.querySelectorAll("[data-link-row]").forEach(function (row) {
    if (row.hasAttribute("data-handled")) {
      markHandled(row);
    } else if (known.indexOf(row.dataset.invitationId) >= 0) {
      markHandled(row);
    }
  });
  updateCount();

  form.addEventListener("rakor:copied", function (event) {
    markHandled(event.target.closest("[data-link-row]"));
  });
  form.addEventListener("click", function (event) {
    var share = event.target.closest && event.target.closest("[data-link-share]");
    if (share) { markHandled(share.closest("[data-link-row]")); }
  });
  // Enter in a row's e-mail field sends that row's link, not the first button of the form.
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches("input[type=email]")) { return; }
    var button = event.target.closest("[data-link-row]").querySelector("button.send-email");
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
  form.addEventListener("submit", function (event) {
    submitting = true;
    var submitter = event.submitter;
    if (submitter && submitter.name === "format") {
      // A download keeps the page: all its links are now in the file.
      form.querySelectorAll("[data-link-row]").forEach(markHandled);
      window.setTimeout(function () { submitting = false; }, 1000);
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || pendingRows().length === 0) { return; }
    event.preventDefault();
    event.returnValue = "";
  });
})();
