// The API docs page (/docs): Swagger UI, vendored in vendor/ (swagger-ui-dist from npm), over this
// server's OpenAPI schema. An external script, not an inline one, so the Content-Security-Policy
// can allow scripts from this server only. No validator: it would send the schema to another host.
window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
