// The API documentation page: Swagger UI on the generated description (no inline script: CSP).
// No deep links: Swagger UI puts them as links inside each operation's summary button (nested
// interactive controls, which axe refuses); the servers menu gets the name it lacks.
(function () {
  var node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: node.dataset.specUrl, domNode: node, deepLinking: false,
    onComplete: function () {
      var servers = document.getElementById("servers");
      if (servers && !servers.getAttribute("aria-label")) {
        servers.setAttribute("aria-label", node.dataset.serversLabel || "Servers");
      }
    }
  });
})();
