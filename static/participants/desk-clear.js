/* On every page (base.html): the offline check-in desk's copy of the participants (desk-store.js)
   is deleted on the sign-in page, where every sign-out leads, and on any page once the meeting's
   day is over. Marks still waiting to sync stay until the server answers them. */
(function () {
  "use strict";
  var script = document.currentScript;
  var store = window.RakorDeskStore;
  if (!store || !script) { return; }
  var everything = script.dataset.clear === "all";
  store.exists().then(function (found) {
    if (!found) { return null; }
    return everything ? store.clearPersonalData() : store.clearExpired();
  }).catch(function () { /* nothing stored here */ }).then(function () {
    document.documentElement.dataset.deskCleared = "1";
  });
})();
