"""Admin: rebuild the graph. Requires the API key from PGXKG_ADMIN_API_KEY."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Depends, Header, Query

from pgxkg.api.deps import ApiSettings, get_api_settings, get_graph
from pgxkg.errors import PgxkgError
from pgxkg.graph.connection import Graph
from pgxkg.loaders.build import build
from pgxkg.queries.vocabulary import invalidate
from pgxkg.settings import Settings

router = APIRouter(tags=["admin"])


class Unauthorized(PgxkgError):
    status_code = 401


class Forbidden(PgxkgError):
    status_code = 403


def require_admin(
    api: ApiSettings = Depends(get_api_settings), x_api_key: str | None = Header(None),
) -> None:
    if not api.admin_api_key:
        raise Forbidden("admin endpoints are disabled: PGXKG_ADMIN_API_KEY is not set")
    if not x_api_key or not hmac.compare_digest(x_api_key, api.admin_api_key):
        raise Unauthorized("a valid X-API-Key header is required")


@router.post("/admin/build", dependencies=[Depends(require_admin)], summary="Fetch and load the sources")
def post_build(
    source: list[str] | None = Query(None), strict: bool = False, graph: Graph = Depends(get_graph),
) -> dict[str, Any]:
    report = build(graph, Settings.from_env(), source or None, strict=strict)
    invalidate()
    return {
        "sources": report.sources, "nodes": report.written.nodes,
        "relationships": report.written.relationships, "seconds": report.seconds,
        "bad_rows": [p.message for p in report.problems[:200]], "bad_row_count": len(report.problems),
    }
