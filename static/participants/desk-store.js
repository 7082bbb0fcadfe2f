/* What the offline check-in desk keeps in this browser (issue 23), shared by the desk's page and
   its service worker (importScripts). IndexedDB database "rakor-desk":
   - rosters: per meeting, the participants with only what the desk shows and the badge codes,
     the desk user, and when the copy must go (the end of the meeting's day);
   - queue: the marks made here and not yet answered by the server (id made on this device);
   - answers: the server's answers to synced marks, shown on the desk.
   clearPersonalData() deletes rosters, answers and the cached desk pages (sign-in page, end of
   the day, a session that ended); the queue stays until the server has answered each mark. */
(function (scope) {
  "use strict";
  var NAME = "rakor-desk";
  var CACHE_PREFIX = "rakor-desk-";
  var opening = null;

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var req = scope.indexedDB.open(NAME, 1);
        req.onupgradeneeded = function () {
          var db = req.result;
          db.createObjectStore("rosters", {keyPath: "meetingId"});
          db.createObjectStore("queue", {keyPath: "id"}).createIndex("meeting", "meetingId");
          db.createObjectStore("answers", {keyPath: "id"}).createIndex("meeting", "meetingId");
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { opening = null; reject(req.error); };
      });
    }
    return opening;
  }

  function run(store, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        fn(tx.objectStore(store));
        tx.oncomplete = function () { resolve(); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function all(store, meetingId) {
    return open().then(function (db) {
      var index = db.transaction(store, "readonly").objectStore(store).index("meeting");
      return request(index.getAll(meetingId));
    });
  }

  var api = {
    getRoster: function (meetingId) {
      return open().then(function (db) {
        return request(db.transaction("rosters", "readonly").objectStore("rosters").get(meetingId));
      }).then(function (roster) {
        if (roster && roster.expiresAt <= Date.now()) {  // the meeting's day is over
          return api.clearPersonalData().then(function () { return null; });
        }
        return roster || null;
      });
    },
    putRoster: function (roster) {
      return run("rosters", "readwrite", function (s) { s.put(roster); });
    },
    marks: function (meetingId) {
      return all("queue", meetingId).then(function (marks) {
        return marks.sort(function (a, b) { return a.seq - b.seq; });
      });
    },
    addMark: function (mark) {
      return run("queue", "readwrite", function (s) { s.put(mark); });
    },
    removeMarks: function (ids) {
      return run("queue", "readwrite", function (s) { ids.forEach(function (id) { s.delete(id); }); });
    },
    answers: function (meetingId) {
      return all("answers", meetingId).then(function (answers) {
        return answers.sort(function (a, b) { return b.seq - a.seq; });
      });
    },
    putAnswers: function (answers) {
      return run("answers", "readwrite", function (s) { answers.forEach(function (a) { s.put(a); }); });
    },
    clearPersonalData: function () {
      var stores = open().then(function (db) {
        return new Promise(function (resolve, reject) {
          var tx = db.transaction(["rosters", "answers"], "readwrite");
          tx.objectStore("rosters").clear();
          tx.objectStore("answers").clear();
          tx.oncomplete = resolve;
          tx.onerror = function () { reject(tx.error); };
        });
      });
      var pages = scope.caches ? scope.caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf(CACHE_PREFIX) === 0; })
          .map(function (n) { return scope.caches.delete(n); }));
      }) : Promise.resolve();
      return Promise.all([stores, pages]);
    },
    clearExpired: function () {
      return open().then(function (db) {
        return request(db.transaction("rosters", "readonly").objectStore("rosters").getAll());
      }).then(function (rosters) {
        var now = Date.now();
        if (rosters.some(function (r) { return r.expiresAt <= now; })) { return api.clearPersonalData(); }
        return null;
      });
    },
    exists: function () {
      // Without asking, opening the database would create an empty one in every browser.
      if (!scope.indexedDB || !scope.indexedDB.databases) { return Promise.resolve(false); }
      return scope.indexedDB.databases().then(function (list) {
        return list.some(function (d) { return d.name === NAME; });
      });
    },
    cacheName: function (meetingId) { return CACHE_PREFIX + meetingId; }
  };
  scope.RakorDeskStore = api;
})(self);
