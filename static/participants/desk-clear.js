/* On the sign-in page: delete the offline check-in desk's copy of the participants and of the
   desk pages (desk-store.js). Marks still waiting to sync stay until the server answers them. */
(function () {
  "use strict";
  if (window.RakorDeskStore && window.indexedDB) {
    window.RakorDeskStore.clearPersonalData().catch(function () { /* nothing stored here */ })
      .then(function () { document.documentElement.dataset.deskCleared = "1"; });
  }
})();
