"""Admin: rebuild the graph. Requires the API key from PGXKG_ADMIN_API_KEY."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query

from pgxkg.api.deps import ApiSettings, get_api_settings, get_graph
from pgxkg.api.problems import responses
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
    api: Annotated[ApiSettings, Depends(get_api_settings)],
    x_api_key: Annotated[str | None, Header(max_length=500)] = None,
) -> None:
    if not api.admin_api_key:
        raise Forbidden("admin endpoints are disabled: PGXKG_ADMIN_API_KEY is not set")
    # compared as bytes: compare_digest refuses non-ASCII str, and a header may hold any byte
    if not x_api_key or not hmac.compare_digest(x_api_key.encode("utf-8", "surrogateescape"),
                                                api.admin_api_key.encode("utf-8")):
        raise Unauthorized("a valid X-API-Key header is required")


BUILD_EXAMPLE = {"sources": ["cpic-tables@pypgx-0.27.0"], "unchanged": True, "nodes": 0, "relationships": 0,
                 "seconds": {"fetch": 0.4, "check": 0.1}, "bad_rows": [], "bad_row_count": 0}


@router.post("/admin/build", dependencies=[Depends(require_admin)], summary="Fetch and load the sources",
             responses=responses(401, 403, 422, ok=BUILD_EXAMPLE))
def post_build(
    graph: Annotated[Graph, Depends(get_graph)],
    source: Annotated[list[str] | None, Query(max_length=20, description="only these sources")] = None,
    strict: bool = False,
    force: Annotated[bool, Query(description="reload even when the sources are unchanged")] = False,
) -> dict[str, Any]:
    """Requires the X-API-Key header to equal PGXKG_ADMIN_API_KEY; a no-op when nothing changed."""
    report = build(graph, Settings.from_env(), source or None, strict=strict, force=force)
    invalidate()
    return {
        "sources": report.sources, "unchanged": report.unchanged, "nodes": report.written.nodes,
        "relationships": report.written.relationships, "seconds": report.seconds,
        "bad_rows": [p.message for p in report.problems[:200]], "bad_row_count": len(report.problems),
    }
