"""Shared request dependencies: the graph and the API's own settings."""

from __future__ import annotations

import os
from dataclasses import dataclass

from fastapi import Request

from pgxkg.graph.connection import Graph


@dataclass(frozen=True)
class ApiSettings:
    """API knobs from the environment (the Neo4j ones live in pgxkg.settings)."""

    admin_api_key: str | None
    enable_cypher: bool
    cypher_timeout_s: float
    cypher_max_rows: int
    max_body_bytes: int
    max_batch: int
    cors_origins: tuple[str, ...]

    @classmethod
    def from_env(cls) -> ApiSettings:
        origins = os.environ.get("PGXKG_CORS_ORIGINS", "")
        return cls(
            admin_api_key=os.environ.get("PGXKG_ADMIN_API_KEY") or None,
            enable_cypher=os.environ.get("PGXKG_ENABLE_CYPHER", "0").lower() in {"1", "true", "yes"},
            cypher_timeout_s=float(os.environ.get("PGXKG_CYPHER_TIMEOUT", "5")),
            cypher_max_rows=int(os.environ.get("PGXKG_CYPHER_MAX_ROWS", "1000")),
            max_body_bytes=int(os.environ.get("PGXKG_MAX_BODY_BYTES", str(5 * 1024 * 1024))),
            max_batch=int(os.environ.get("PGXKG_MAX_BATCH", "1000")),
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
        )


def get_graph(request: Request) -> Graph:
    return request.app.state.graph


def get_api_settings(request: Request) -> ApiSettings:
    return request.app.state.api_settings
