/* Service worker of the check-in desk (issue 23), registered by the desk's page of one meeting
   with the scope of that desk: /meetings/<id>/checkin. It only answers:
   - the desk page itself: from the network while there is one (keeping a copy), from the copy
     when there is none, but only while this browser holds the desk's roster (a committee member
     opened the desk here and has not signed out, and the meeting's day is not over); otherwise
     a page that says the desk is not available offline here;
   - the static files the desk page loads: network first, the copy offline.
   Everything else (the roster, sync, searches) goes to the network untouched: the page's own
   script keeps the queue. A redirect to sign-in or a refusal for the desk page clears the copy. */
"use strict";
importScripts("/static/participants/desk-store.js");

var DESK_PATH = new URL(self.registration.scope).pathname.replace(/\/$/, "");
var MEETING_ID = Number((/\/meetings\/(\d+)\/checkin$/.exec(DESK_PATH) || [])[1]);
var CACHE = self.RakorDeskStore.cacheName(MEETING_ID);  // the desk page: cleared with the roster
var SHELL = "rakor-shell";  // the offline page and static files: no one's data
var OFFLINE_URL = new URL("checkin-offline", self.location).pathname;
var TIMEOUT_MS = 6000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.add(OFFLINE_URL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function withTimeout(promise) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, TIMEOUT_MS);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
                 function (error) { clearTimeout(timer); reject(error); });
  });
}

function offlinePage() {
  return caches.match(OFFLINE_URL, {cacheName: SHELL}).then(function (page) {
    return page || new Response("Offline", {status: 503, headers: {"Content-Type": "text/plain"}});
  });
}

function deskPage(request) {
  return withTimeout(fetch(request)).then(function (response) {
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
      // Signed out, or not (any more) on the committee: nothing of the desk stays here.
      return self.RakorDeskStore.clearPersonalData().then(function () { return response; });
    }
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(DESK_PATH, copy); });
    }
    return response;
  }).catch(function () {
    return self.RakorDeskStore.getRoster(MEETING_ID).then(function (roster) {
      if (!roster) { return offlinePage(); }
      return caches.match(DESK_PATH, {cacheName: CACHE}).then(function (page) { return page || offlinePage(); });
    }, offlinePage);
  });
}

function staticFile(request) {
  return withTimeout(fetch(request)).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(SHELL).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, {cacheName: SHELL}).then(function (copy) {
      return copy || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname === DESK_PATH) {
    event.respondWith(deskPage(request));
  } else if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/bootstrap/static/") === 0) {
    event.respondWith(staticFile(request));
  }
});
