"""The FastAPI application: wiring only; every route is a thin call into pgxkg.queries."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from pgxkg import __version__
from pgxkg.api import (
    admin_routes,
    entity_routes,
    explorer,
    export_routes,
    graph_routes,
    problems,
    report_routes,
    risk_routes,
)
from pgxkg.api.body_limit import BodyLimit
from pgxkg.api.deps import ApiSettings
from pgxkg.graph.connection import Graph, open_driver
from pgxkg.reference import ReferenceCache
from pgxkg.settings import Settings

DESCRIPTION = """
Pharmacogenomic knowledge graph: genotype -> phenotype -> guideline recommendations,
with the evidence behind every answer. Errors are RFC 9457 problem+json.
"""


def create_app(settings: Settings | None = None, api_settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    api_settings = api_settings or ApiSettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # No connectivity check: the API starts (and answers 503) while Neo4j is down,
        # and the driver reconnects by itself when it comes back.
        app.state.graph = Graph(settings, open_driver(settings, verify=False, retry_seconds=3.0))
        app.state.reference = ReferenceCache(app.state.graph)
        yield
        app.state.graph.close()

    app = FastAPI(title="pgxkg", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.api_settings = api_settings
    problems.install(app)
    # Body cap inside CORS, so a 413 still carries the CORS headers a browser needs to read it.
    app.add_middleware(BodyLimit, max_bytes=api_settings.max_body_bytes)
    if api_settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(api_settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["*"])

    for module in (risk_routes, report_routes, entity_routes, graph_routes, admin_routes):
        app.include_router(module.router)
    app.include_router(export_routes.router)
    explorer.mount(app)  # keep last: the page's StaticFiles at "/" must not shadow any route
    return app
