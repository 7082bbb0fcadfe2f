/* Check-in desk: mark present without reloading the page. Without JavaScript the same forms
   post normally and the page reloads; this only saves a round trip on a phone. */
(function () {
  "use strict";
  document.querySelectorAll("form.checkin-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch) { return; }
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: {
          "Accept": "application/json",
          "X-CSRFToken": form.querySelector("input[name=csrf_token]").value
        }
      }).then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; });
      }).then(function (result) {
        var state = form.parentElement;
        if (result.ok && result.data.ok) {
          var badge = document.createElement("span");
          badge.className = "badge text-bg-success fs-6 checkin-present";
          badge.textContent = result.data.label + " " + result.data.time;
          badge.setAttribute("role", "status");
          badge.title = result.data.message;
          state.replaceChildren(badge);
          document.querySelectorAll("#checkin-totals [data-total=checked-in]").forEach(function (el) {
            el.textContent = Number(result.data.checked_in).toLocaleString(document.documentElement.lang || "id");
          });
        } else {
          button.disabled = false;
          var alert = document.createElement("div");
          alert.className = "text-danger small mt-1";
          alert.textContent = result.data.message || "Error";
          state.appendChild(alert);
        }
      }).catch(function () { form.submit(); });
    });
  });
})();
