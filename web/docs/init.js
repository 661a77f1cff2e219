// web/docs/init.js — starts Swagger UI on this server's own contract. No validator badge
// (it would call validator.swagger.io): the page works offline, same origin only.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  displayOperationId: true,
});
