"""The explorer page: static HTML/CSS/JS in ``static/``, served at "/" beside the API.

Its network library (cytoscape.js) is installed from npm by `make install`
(``npm ci`` here, which copies the built file into ``static/vendor/``, git-ignored).
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
VENDOR = STATIC / "vendor" / "cytoscape.min.js"
MISSING = ("the explorer's network library is missing (%s): run `make install`, or "
           "`npm ci --prefix pgxkg/api/explorer`; the page will say so too")


def mount(app: FastAPI) -> None:
    """Serve the page at "/"; call it after every router, since a mount at "/" matches any path."""
    if not VENDOR.is_file():
        logging.getLogger("pgxkg.explorer").warning(MISSING, VENDOR)
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="explorer")
