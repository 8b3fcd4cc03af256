"""The web interface: static pages (plain JS, no build step) over the HTTP API, served at ``/ui``.

The pages live in ``api/web`` (shipped as package data, Cytoscape.js vendored: no CDN), and talk
to the API routes on the same origin. Mounting under ``/ui`` keeps every API path free; ``/``
redirects there for people who type the bare address.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).resolve().parent / "web"
PREFIX = "/ui"


def mount_web(app: FastAPI) -> None:
    """Serve the web pages at ``/ui/`` and send ``/`` there (unless the app already answers ``/``)."""
    app.mount(PREFIX, StaticFiles(directory=WEB_DIR, html=True), name="web")
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        app.add_api_route("/", _home, methods=["GET"], include_in_schema=False)


def _home() -> RedirectResponse:
    return RedirectResponse(PREFIX + "/")
