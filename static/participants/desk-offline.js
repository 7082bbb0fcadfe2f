/* The check-in desk when the venue's connection drops (issue 23).

   Online, the desk works as before (checkin.js: the server renders rows). This script:
   - registers the desk's service worker (scope: this desk only), keeps the roster (participants
     with only what the desk shows, and badge codes) in IndexedDB (desk-store.js) and a copy of
     the page and its files, and says when the desk is ready to work offline;
   - offline (the browser says so, or a request failed), searches the roster, marks present,
     undoes, registers walk-ins and takes scanned badges into a queue of marks, each with an id
     made here (crypto.randomUUID), this device's time and the desk user;
   - shows at all times whether it is online and how many marks wait;
   - sends the queue when the connection returns, and on "Sinkronkan sekarang", and shows the
     server's answer to each mark.
   Undoing a check-in that has not left this device takes the mark back (the server never knew
   it); undoing one the server knows queues an undo. Rows are built with textContent only. */
(function () {
  "use strict";
  var status = document.getElementById("desk-status");
  var store = window.RakorDeskStore;
  if (!status || !store || !window.indexedDB) { return; }
  var d = status.dataset;
  var meetingId = Number(d.meetingId);
  var userId = Number(d.userId);
  var lang = document.documentElement.lang || "id";
  var roster = null;
  var marks = [];
  var requestFailed = false;
  var syncing = false;
  var seq = 0;
  var readyParts = {roster: false, page: false, worker: false};

  function text(key, values) {
    var t = d["text" + key] || "";
    Object.keys(values || {}).forEach(function (k) { t = t.split("{" + k + "}").join(values[k]); });
    return t;
  }

  function isOnline() { return navigator.onLine && !requestFailed; }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function timeOf(iso) {
    var options = {hour: "2-digit", minute: "2-digit"};
    if (roster && roster.timezone) { options.timeZone = roster.timezone; }
    return new Intl.DateTimeFormat(lang, options).format(new Date(iso));
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function say(message, category) {
    var feedback = document.getElementById("checkin-feedback");
    if (!feedback) { return; }
    var box = el("div", "alert alert-" + (category || "info") + " py-2 mb-2", message);
    feedback.replaceChildren(box);
  }

  /* --- state: the roster as the server last said, with the queue applied in order ------------ */
  function byId() {
    var map = {};
    (roster ? roster.participants : []).forEach(function (p) { map[p.id] = p; });
    return map;
  }

  function states() {
    var people = byId();
    var codes = {};
    var result = {};
    Object.keys(people).forEach(function (id) {
      codes[people[id].code] = Number(id);
      result[id] = {present: people[id].presentAt, pending: false};
    });
    marks.forEach(function (m) {
      if (m.kind === "walk_in") { return; }
      var s = result[m.participant || codes[m.code]];
      if (!s) { return; }
      if (m.kind === "check_in" && !s.present) { s.present = m.at; }
      if (m.kind === "undo") { s.present = null; }
      s.pending = true;
    });
    return result;
  }

  function walkIns() {
    return marks.filter(function (m) { return m.kind === "walk_in"; });
  }

  /* --- the status bar ------------------------------------------------------------------------ */
  function showStatus() {
    var badge = document.getElementById("desk-connection");
    var on = isOnline();
    badge.textContent = on ? d.textOnline : d.textOffline;
    badge.className = "badge fs-6 " + (on ? "text-bg-success" : "text-bg-danger");
    status.dataset.state = on ? "online" : "offline";
    document.getElementById("desk-pending").textContent = String(marks.length);
    status.dataset.pending = String(marks.length);
    var ready = readyParts.roster && readyParts.page && readyParts.worker;
    var readiness = document.getElementById("desk-readiness");
    readiness.dataset.ready = ready ? "1" : "0";
    if (!("serviceWorker" in navigator)) {
      readiness.textContent = d.textNoOffline;
    } else if (roster && (ready || !on)) {
      readiness.textContent = text("Ready", {n: roster.participants.length.toLocaleString(lang)});
    } else {
      readiness.textContent = d.textNotReady;
    }
  }

  function showTotals() {
    if (!roster) { return; }
    var s = states();
    var present = Object.keys(s).filter(function (id) { return s[id].present; }).length + walkIns().length;
    document.querySelectorAll("#checkin-totals [data-total=checked-in]").forEach(function (node) {
      node.textContent = present.toLocaleString(lang);
    });
  }

  function showAnswers(answers) {
    var list = document.getElementById("desk-sync-report");
    list.replaceChildren();
    answers.slice(0, 30).forEach(function (a) {
      var item = el("li", "desk-answer desk-answer-" + a.outcome);
      var kind = {accepted: "success", merged: "secondary", flagged: "warning", refused: "danger"}[a.outcome];
      item.appendChild(el("span", "badge text-bg-" + kind + " me-1", a.outcomeLabel || a.outcome));
      item.appendChild(document.createTextNode(a.message));
      list.appendChild(item);
    });
  }

  /* --- the list offline ---------------------------------------------------------------------- */
  function fold(value) {
    return (value || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, " ").trim();
  }

  function personRow(p, state) {
    var row = el("li", "list-group-item py-3 checkin-row");
    row.id = "checkin-row-" + p.id;
    row.dataset.participantId = String(p.id);
    var line = el("div", "d-flex flex-wrap justify-content-between align-items-center gap-2");
    var who = el("div", "me-2 checkin-who");
    who.appendChild(el("div", "fw-semibold fs-5 checkin-name", p.name));
    var details = [p.position, p.agency, p.role].filter(Boolean).join(" · ");
    who.appendChild(el("div", "small text-muted", details));
    // The NIP's last digits tell two people of one name apart (the full NIP stays on the server).
    if (p.nipEnd) { who.appendChild(el("div", "small text-muted font-monospace checkin-nip", "NIP …" + p.nipEnd)); }
    var side = el("div", "checkin-state d-flex flex-wrap align-items-center gap-2");
    if (state.present) {
      side.appendChild(el("span", "badge text-bg-success fs-6 checkin-present", d.textPresent + " " + timeOf(state.present)));
      if (state.pending) { side.appendChild(el("span", "badge text-bg-warning desk-waiting", d.textWaiting)); }
      var undo = el("button", "btn btn-outline-secondary btn-sm checkin-undo", d.textUndo);
      undo.type = "button";
      undo.dataset.deskUndo = String(p.id);
      side.appendChild(undo);
    } else {
      if (state.pending) { side.appendChild(el("span", "badge text-bg-warning desk-waiting", d.textWaiting)); }
      var mark = el("button", "btn btn-success btn-lg checkin-button", d.textMark);
      mark.type = "button";
      mark.dataset.deskMark = String(p.id);
      mark.dataset.name = p.name;
      side.appendChild(mark);
    }
    line.appendChild(who);
    line.appendChild(side);
    row.appendChild(line);
    return row;
  }

  function walkInRow(m) {
    var agency = (roster.agencies.filter(function (a) { return a[0] === m.walk_in.agency_id; })[0] || [0, ""])[1];
    var p = {id: "w-" + m.id, name: m.walk_in.name, position: m.walk_in.position, agency: agency,
             role: d.textWalkInLabel};
    var row = personRow(p, {present: m.at, pending: true});
    var undo = row.querySelector("[data-desk-undo]");
    delete undo.dataset.deskUndo;
    undo.dataset.deskUndoWalkIn = m.id;
    return row;
  }

  function render() {
    var results = document.getElementById("checkin-results");
    if (!results || !roster) { return; }
    var form = document.getElementById("checkin-search-form");
    var params = new FormData(form);
    var words = fold(params.get("q")).split(" ").filter(Boolean);
    var filter = params.get("status") || "all";
    var s = states();
    var matches = function (haystack) {
      return words.every(function (w) { return haystack.indexOf(w) !== -1; });
    };
    var rows = [];
    roster.participants.forEach(function (p) {
      var state = s[p.id];
      if (filter === "absent" && state.present) { return; }
      if (filter === "present" && !state.present) { return; }
      if (matches(fold(p.key + " " + p.name + " " + p.agency + " " + p.agencyName))) { rows.push([p.key, personRow(p, state)]); }
    });
    if (filter !== "absent") {
      walkIns().forEach(function (m) {
        if (matches(fold(m.walk_in.name))) { rows.push([fold(m.walk_in.name), walkInRow(m)]); }
      });
    }
    rows.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
    var shown = rows.slice(0, 50);
    var list = el("ul", "list-group mb-3");
    list.id = "checkin-list";
    shown.forEach(function (r) { list.appendChild(r[1]); });
    if (!rows.length) {
      var none = el("li", "list-group-item text-muted", d.textNone);
      none.id = "checkin-none";
      list.appendChild(none);
    } else if (rows.length > shown.length) {
      list.appendChild(el("li", "list-group-item text-muted small", text("More", {n: rows.length - shown.length})));
    }
    var count = el("p", "small text-muted mb-2", text("Found", {n: rows.length.toLocaleString(lang)}));
    count.id = "checkin-count";
    results.replaceChildren(count, list);
    results.dataset.count = String(rows.length);
    results.dataset.local = "1";
    results.removeAttribute("aria-busy");
    showTotals();
  }

  /* --- marks --------------------------------------------------------------------------------- */
  function queue(mark) {
    mark.id = newId();
    mark.meetingId = meetingId;
    mark.seq = Date.now() * 1000 + (seq++ % 1000);
    mark.at = new Date().toISOString();
    mark.user = userId;
    marks.push(mark);
    return store.addMark(mark).then(function () { showStatus(); render(); return mark; });
  }

  function markPresent(id, code) {
    var p = byId()[id];
    if (!p) { return Promise.resolve(); }
    if (states()[id].present) { render(); return Promise.resolve(); }
    return queue({kind: "check_in", participant: Number(id), code: code || null}).then(function (m) {
      say(text("Marked", {name: p.name, time: timeOf(m.at)}), "success");
    });
  }

  function undoPresent(id) {
    var p = byId()[id];
    if (!p || !window.confirm(text("ConfirmUndo", {name: p.name}))) { return Promise.resolve(); }
    var local = marks.filter(function (m) { return m.kind === "check_in" && m.participant === Number(id); });
    if (local.length && !p.presentAt) {
      // Never left this device: take the mark back instead of sending a check-in and its undo.
      return forget(local).then(function () { say(text("Undone", {name: p.name}), "info"); });
    }
    return queue({kind: "undo", participant: Number(id)}).then(function () {
      say(text("UndoQueued", {name: p.name}), "info");
    });
  }

  function forget(toRemove) {
    var ids = toRemove.map(function (m) { return m.id; });
    marks = marks.filter(function (m) { return ids.indexOf(m.id) === -1; });
    return store.removeMarks(ids).then(function () { showStatus(); render(); });
  }

  function scan(textRead) {
    var match = /\/c\/([A-Za-z0-9_-]{10,64})\/?$/.exec(textRead || "");
    if (!match) { return false; }
    var code = match[1];
    var found = (roster ? roster.participants : []).filter(function (p) { return p.code === code; })[0];
    if (found) { markPresent(found.id, code); return true; }
    if (marks.some(function (m) { return m.code === code; })) { return true; }
    queue({kind: "check_in", participant: null, code: code}).then(function () {
      say(d.textUnknownBadge, "warning");
    });
    return true;
  }

  function walkIn(form) {
    var name = (form.querySelector("[name=name]").value || "").trim();
    var agency = Number(form.querySelector("[name=agency_id]").value || 0);
    if (!name || !agency) { say(d.textWalkInMissing, "danger"); return; }
    var payload = {name: name, agency_id: agency,
                   position: (form.querySelector("[name=position]").value || "").trim(),
                   phone: (form.querySelector("[name=phone]").value || "").trim()};
    queue({kind: "walk_in", participant: null, walk_in: payload}).then(function () {
      say(text("WalkIn", {name: name}), "success");
      form.reset();
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-desk-mark],[data-desk-undo],[data-desk-undo-walk-in]");
    if (!button) { return; }
    event.preventDefault();
    if (button.dataset.deskMark) { markPresent(Number(button.dataset.deskMark)); }
    else if (button.dataset.deskUndo) { undoPresent(Number(button.dataset.deskUndo)); }
    else {
      var m = marks.filter(function (x) { return x.id === button.dataset.deskUndoWalkIn; })[0];
      if (m && window.confirm(text("ConfirmUndo", {name: m.walk_in.name}))) {
        forget([m]).then(function () { say(text("Undone", {name: m.walk_in.name}), "info"); });
      }
    }
  });

  var walkInForm = document.getElementById("walk-in-form");
  if (walkInForm) {
    walkInForm.addEventListener("submit", function (event) {
      if (isOnline()) { return; }
      event.preventDefault();
      walkIn(walkInForm);
    });
  }

  /* --- the roster and the copy of the page ---------------------------------------------------- */
  function fetchRoster() {
    return fetch(d.rosterUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (response.ok && json && !response.redirected) { return response.json(); }
        var error = new Error("signed-out");
        error.signedOut = true;
        if (response.status === 403 || response.redirected) {
          // Not (any more) a committee member signed in here: the copy goes.
          roster = null;
          return store.clearPersonalData().then(function () { throw error; });
        }
        throw error;
      }, function (error) { requestFailed = true; throw error; });
  }

  function keepRoster(fresh) {
    requestFailed = false;
    var csrf = fresh.csrf;
    delete fresh.csrf;  // a session's token has no place on the device
    roster = fresh;
    readyParts.roster = true;
    return store.putRoster(fresh).then(function () { return csrf; });
  }

  function keepPage() {
    if (!window.caches) { return Promise.resolve(); }
    var files = [];
    document.querySelectorAll("script[src]").forEach(function (s) { files.push(s.src); });
    document.querySelectorAll("link[rel=stylesheet]").forEach(function (l) { files.push(l.href); });
    return Promise.all([
      caches.open(store.cacheName(meetingId)).then(function (cache) { return cache.add(d.scope); }),
      caches.open("rakor-shell").then(function (cache) { return cache.addAll(files); })
    ]).then(function () { readyParts.page = true; showStatus(); });
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    return navigator.serviceWorker.register(d.workerUrl, {scope: d.scope}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      readyParts.worker = true;
      showStatus();
    });
  }

  /* --- sync ---------------------------------------------------------------------------------- */
  function sendBatch(csrf, batch) {
    return fetch(d.syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({marks: batch.map(function (m) {
        return {id: m.id, kind: m.kind, at: m.at, user: m.user, participant: m.participant, code: m.code,
                walk_in: m.walk_in};
      })})
    }).then(function (response) {
      if (!response.ok) { throw new Error("sync " + response.status); }
      return response.json();
    }, function (error) { requestFailed = true; throw error; });
  }

  function syncNow() {
    if (syncing) { return Promise.resolve(); }
    syncing = true;
    var batch = marks.slice(0, 500);
    var answered = [];
    return fetchRoster().then(keepRoster).then(function (csrf) {
      if (!batch.length) { return null; }
      return sendBatch(csrf, batch);
    }).then(function (data) {
      if (!data) { return null; }
      var labels = {accepted: "✓", merged: "=", flagged: "!", refused: "✗"};
      answered = data.answers.map(function (a, i) {
        return {id: a.id || batch[i].id, meetingId: meetingId, seq: Date.now() * 1000 + i, outcome: a.outcome,
                outcomeLabel: labels[a.outcome], message: a.message, reasons: a.reasons};
      });
      return store.putAnswers(answered).then(function () {
        return forget(batch);
      }).then(function () {
        say(text("Synced", {n: answered.length}), answered.some(function (a) { return a.outcome === "refused"; }) ? "warning" : "success");
        return fetchRoster().then(keepRoster);
      });
    }).catch(function (error) {
      say(error && error.signedOut ? d.textSignedOut : d.textSyncFailed, "warning");
    }).then(function () {
      syncing = false;
      return store.answers(meetingId);
    }).then(function (answers) {
      showAnswers(answers);
      showStatus();
      if (isOnline()) {
        document.dispatchEvent(new CustomEvent("rakor:desk-synced"));
        if (marks.length && answered.length) { return syncNow(); }  // more than one batch waited
      } else {
        render();
      }
      return null;
    });
  }

  document.getElementById("desk-sync-now").addEventListener("click", function () {
    requestFailed = false;
    syncNow();
  });
  window.addEventListener("online", function () {
    requestFailed = false;
    showStatus();
    syncNow();
  });
  window.addEventListener("offline", function () { showStatus(); render(); });
  setInterval(function () { if (marks.length && navigator.onLine) { requestFailed = false; syncNow(); } }, 30000);

  // What checkin.js asks when it is about to talk to the server.
  window.RakorDesk = {
    offline: function () { return !isOnline() && !!roster; },
    render: render,
    scan: scan,
    networkFailed: function () {
      requestFailed = true;
      showStatus();
      render();
    }
  };

  /* --- start --------------------------------------------------------------------------------- */
  Promise.all([store.getRoster(meetingId), store.marks(meetingId), store.answers(meetingId)])
    .then(function (loaded) {
      roster = loaded[0];
      marks = loaded[1];
      seq = marks.length;
      showAnswers(loaded[2]);
      showStatus();
      if (!navigator.onLine) { render(); return null; }
      return fetchRoster().then(keepRoster).then(function () {
        showStatus();
        return registerWorker();
      }).then(keepPage).then(function () {
        if (marks.length) { return syncNow(); }
        return null;
      }).catch(function () { showStatus(); if (!isOnline()) { render(); } });
    });
})();
