// The API documentation page: Swagger UI on the generated description (no inline script: CSP).
(function () {
  var node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: node.dataset.specUrl, domNode: node, deepLinking: true });
})();
