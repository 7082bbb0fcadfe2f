// Minutes typed in the browser survive a failed save. Every change of the minutes form is kept
// in localStorage (key: data-autosave-key, one per meeting) with the revision the text started
// from. When the page is drawn again (after signing in anew because the session ended, after a
// 413 page, after closing the tab) and the kept text differs from what the server shows, it is
// put back, together with that starting revision, so the server still warns when someone else
// saved in between. Once the server shows the same text (a successful save), the copy is removed.
(function () {
  "use strict";
  var form = document.getElementById("minutes-form");
  if (!form || !window.localStorage) { return; }
  var key = form.getAttribute("data-autosave-key");
  var notice = document.getElementById("minutes-restored");
  var base = form.querySelector("[name=expected_revision_id]");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.name === "reason")) && el.name;
    });
  }
  // What the server removes from every text (rakor/core/text.py: control, bidi and zero-width
  // characters, often pasted from Word or a web page) and how it spaces it are no difference: a
  // saved text must not come back as "not saved yet" beside "Minutes saved".
  var SERVER_REMOVES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff]/g;
  function same(a, b) {
    function norm(s) {
      return String(s || "").normalize("NFC").replace(SERVER_REMOVES, "").replace(/\s+/g, " ").trim();
    }
    return norm(a) === norm(b);
  }
  function read() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function keep() {
    var values = {};
    fields().forEach(function (el) { values[el.name] = el.value; });
    var kept = read();
    // The starting revision is the one of the first unsaved keystroke, not of a later reload.
    var start = kept && kept.values ? kept.base : (base ? base.value : "");
    try {
      window.localStorage.setItem(key, JSON.stringify({ base: start, values: values, at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server copy is all there is */ }
  }

  var kept = read();
  if (kept && kept.values) {
    // Only the minutes' text decides: the correction's reason is emptied by every save.
    var differs = fields().some(function (el) {
      return el.tagName === "TEXTAREA" && Object.prototype.hasOwnProperty.call(kept.values, el.name) &&
        !same(kept.values[el.name], el.value);
    });
    if (differs) {
      fields().forEach(function (el) {
        if (Object.prototype.hasOwnProperty.call(kept.values, el.name)) { el.value = kept.values[el.name]; }
      });
      if (base && kept.base !== undefined) { base.value = kept.base; }
      if (notice) { notice.classList.remove("d-none"); }
    } else {
      window.localStorage.removeItem(key);
    }
  }
  form.addEventListener("input", keep);
  var discard = document.getElementById("discard-restored");
  if (discard) {
    discard.addEventListener("click", function () {
      window.localStorage.removeItem(key);
      window.location.reload();
    });
  }
}());
