"""The web interface: static pages (plain JS, no build step) over the HTTP API, served at ``/ui``,
and the API docs (Swagger UI) at ``/docs``.

The pages live in ``api/web`` (shipped as package data, Cytoscape.js and Swagger UI vendored from
npm in ``web/vendor``: no CDN, so they work offline and under a self-only Content-Security-Policy),
and talk to the API routes on the same origin. Mounting under ``/ui`` keeps every API path free;
``/`` redirects there for people who type the bare address.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).resolve().parent / "web"
PREFIX = "/ui"
DOCS = "/docs"
# Paths relative to /docs, so the page also works under a proxy's path prefix; the script that
# starts Swagger UI is a file (web/docs.js), not inline, for the Content-Security-Policy.
DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>policykg API</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{PREFIX[1:]}/vendor/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{PREFIX[1:]}/vendor/swagger-ui-bundle.js"></script>
  <script src="{PREFIX[1:]}/docs.js"></script>
</body>
</html>
"""


def mount_web(app: FastAPI) -> None:
    """Serve the web pages at ``/ui/``, the API docs at ``/docs``, and send ``/`` to the pages
    (unless the app already answers ``/``)."""
    app.mount(PREFIX, StaticFiles(directory=WEB_DIR, html=True), name="web")
    app.add_api_route(DOCS, _docs, methods=["GET"], include_in_schema=False)
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        app.add_api_route("/", _home, methods=["GET"], include_in_schema=False)


def _home() -> RedirectResponse:
    return RedirectResponse(PREFIX + "/")


def _docs() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE)
