/* Check-in desk. Without JavaScript every piece is a plain form: the search is a GET form, each
   row posts and the page reloads. This script only saves round trips on a phone:
   - search as you type and switch filters without a tap (the server renders the results);
   - mark present / undo without reloading (the server sends the row as it now is);
   - scan a badge with the camera (html5-qrcode, vendored in static/vendor/).
   Offline (desk-offline.js says so through window.RakorDesk) the same taps, searches and scans
   go to the desk's queue instead, and a request that fails for want of a network hands over.
   No markup is built here from data: rows come rendered and escaped by the server. */
(function () {
  "use strict";
  var form = document.getElementById("checkin-search-form");
  var results = document.getElementById("checkin-results");
  var feedback = document.getElementById("checkin-feedback");
  if (!form || !results || !window.fetch) { return; }
  var lang = document.documentElement.lang || "id";

  function say(message, category) {
    var box = document.createElement("div");
    box.className = "alert alert-" + (category || "info") + " py-2 mb-2";
    box.textContent = message;
    feedback.replaceChildren(box);
  }

  function updateTotals(data) {
    if (data.checked_in === undefined) { return; }
    document.querySelectorAll("#checkin-totals [data-total=checked-in]").forEach(function (el) {
      el.textContent = Number(data.checked_in).toLocaleString(lang);
    });
  }

  function replaceRow(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var row = holder.content.firstElementChild;
    var old = row && document.getElementById(row.id);
    if (old) { old.replaceWith(row); }
    return row;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": body.get("csrf_token")}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    });
  }

  /* --- search as you type ------------------------------------------------------------------ */
  var timer = null;
  var latest = 0;

  function currentParams() {
    var params = new URLSearchParams(new FormData(form));
    if (!params.get("q")) { params.delete("q"); }
    if (params.get("status") === "all") { params.delete("status"); }
    return params;
  }

  function offline() { return window.RakorDesk && window.RakorDesk.offline(); }

  function refresh() {
    if (offline()) { window.RakorDesk.render(); return; }
    var params = currentParams();
    var ticket = ++latest;
    var url = form.dataset.fragmentUrl + "&" + params.toString();
    results.setAttribute("aria-busy", "true");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (ticket !== latest) { return; }  // an older answer arriving late
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var fresh = holder.content.getElementById("checkin-results");
        if (fresh) { results.replaceWith(fresh); results = fresh; }
        var query = params.toString();
        history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
      })
      .catch(function () {
        if (window.RakorDesk) { window.RakorDesk.networkFailed(); } else { form.submit(); }
      });
  }

  form.addEventListener("input", function (event) {
    if (event.target.name !== "q") { return; }
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "status") { clearTimeout(timer); refresh(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    refresh();
  });

  /* --- mark present, undo (one listener for every row, present and future) ------------------ */
  document.addEventListener("submit", function (event) {
    var rowForm = event.target.closest("form.checkin-form");
    if (!rowForm) { return; }
    event.preventDefault();
    if (offline()) { window.RakorDesk.render(); return; }  // a row left from online: use the list as it is now
    // A row's data-confirm (undo) was asked once already, by rakor.js (capture phase), which
    // stops the event when the answer is no: asking here too made the desk ask twice.
    var button = rowForm.querySelector("button");
    button.disabled = true;
    post(rowForm.action, new FormData(rowForm)).then(function (result) {
      var data = result.data;
      if (data.row) { replaceRow(data.row); }
      updateTotals(data);
      if (result.ok && data.ok) {
        say(data.message, data.category || (data.first_time === false ? "info" : "success"));
      } else {
        button.disabled = false;
        say(data.message || "Error", "danger");
      }
    }).catch(function () {
      button.disabled = false;
      if (window.RakorDesk) { window.RakorDesk.networkFailed(); } else { rowForm.submit(); }
    });
  });
  document.addEventListener("rakor:desk-synced", function () { refresh(); });

  /* --- the camera scanner ------------------------------------------------------------------ */
  var box = document.getElementById("checkin-scanner-box");
  var start = document.getElementById("checkin-scan-start");
  var stop = document.getElementById("checkin-scan-stop");
  var unavailable = document.getElementById("checkin-scan-unavailable");
  var canScan = box && window.Html5Qrcode && window.isSecureContext &&
    navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  if (!box) { return; }
  // The camera hands what it read to this event; so can anything else that reads a badge.
  document.addEventListener("rakor:badge-read", function (event) { onScan(event.detail); });
  if (!canScan) { unavailable.classList.remove("d-none"); return; }
  start.classList.remove("d-none");

  var scanner = null;
  var lastCode = null;
  var lastAt = 0;

  function codeOf(text) {
    // A badge's QR is an absolute URL ending in /c/<code>; whatever host printed it.
    var match = /\/c\/([A-Za-z0-9_-]{10,64})\/?$/.exec(text || "");
    return match ? match[1] : null;
  }

  function onScan(text) {
    var code = codeOf(text);
    var now = Date.now();
    if (code && code === lastCode && now - lastAt < 4000) { return; }  // the same badge, still in view
    lastCode = code; lastAt = now;
    if (!code) { say(box.dataset.notBadge, "warning"); return; }
    if (offline()) { window.RakorDesk.scan(text); return; }
    var body = new FormData();
    body.append("csrf_token", box.dataset.csrf);
    body.append("code", code);
    new FormData(form).forEach(function (value, key) { body.append(key, value); });
    post(box.dataset.scanUrl, body).then(function (result) {
      var data = result.data;
      if (data.row) { replaceRow(data.row); }  // when the person is on the list shown
      updateTotals(data);
      say(data.message, data.category || (result.ok ? "success" : "danger"));
    }).catch(function () {
      if (window.RakorDesk) { window.RakorDesk.networkFailed(); window.RakorDesk.scan(text); }
    });
  }

  function stopScanner() {
    if (!scanner) { return; }
    scanner.stop().catch(function () {}).then(function () {
      scanner.clear();
      scanner = null;
      start.classList.remove("d-none");
      stop.classList.add("d-none");
    });
  }

  start.addEventListener("click", function () {
    scanner = new window.Html5Qrcode("checkin-scanner", {verbose: false});
    start.classList.add("d-none");
    stop.classList.remove("d-none");
    scanner.start({facingMode: "environment"}, {fps: 10, qrbox: {width: 240, height: 240}}, function (text) {
      document.dispatchEvent(new CustomEvent("rakor:badge-read", {detail: text}));
    },
                  function () { /* no code in this frame: keep looking */ })
      .catch(function () {
        say(box.dataset.noCamera, "warning");
        scanner = null;
        start.classList.remove("d-none");
        stop.classList.add("d-none");
      });
  });
  stop.addEventListener("click", stopScanner);
})();
