// The verification page (/v/<code>) checks a PDF the reader chooses without uploading it: the
// file is read in the browser, hashed with Web Crypto (SHA-256), and only the hex fingerprint
// goes back to the page in the query string (?sha256=...), which the server compares with the
// stored final file. Without JavaScript (or Web Crypto) the typed-fingerprint form still works.
(function () {
  "use strict";
  var box = document.getElementById("check-file");
  var input = document.getElementById("verify-file");
  var form = document.getElementById("check-hash");
  if (!box || !input || !form) { return; }
  var subtle = window.crypto && window.crypto.subtle;
  box.hidden = false;
  if (!subtle || !window.Blob || !Blob.prototype.arrayBuffer) {
    // Web Crypto only exists on https:// pages (and localhost): say so; the typed form stays.
    input.disabled = true;
    document.getElementById("verify-file-error").hidden = false;
    return;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) { return; }
    file.arrayBuffer().then(function (data) {
      return subtle.digest("SHA-256", data);
    }).then(function (digest) {
      form.elements.sha256.value = hex(digest);
      form.elements.file.value = file.name;
      form.submit();
    }).catch(function () {
      document.getElementById("verify-file-error").hidden = false;
    });
  });
}());
