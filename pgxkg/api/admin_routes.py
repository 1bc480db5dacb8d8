"""Admin: rebuild the graph. Requires the API key from PGXKG_ADMIN_API_KEY."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request

from pgxkg.api.deps import ApiSettingsDep, GraphDep
from pgxkg.api.problems import responses
from pgxkg.errors import PgxkgError
from pgxkg.loaders.build import BuildSummary, build
from pgxkg.settings import Settings

router = APIRouter(tags=["admin"])


class Unauthorized(PgxkgError):
    status_code = 401


class Forbidden(PgxkgError):
    status_code = 403


def require_admin(
    api: ApiSettingsDep,
    x_api_key: Annotated[str | None, Header(max_length=500)] = None,
) -> None:
    if api.admin_api_key is None:
        raise Forbidden("admin endpoints are disabled: PGXKG_ADMIN_API_KEY is not set")
    # compared as bytes: compare_digest refuses non-ASCII str, and a header may hold any byte
    if not x_api_key or not hmac.compare_digest(x_api_key.encode("utf-8", "surrogateescape"),
                                                api.admin_api_key.get_secret_value().encode("utf-8")):
        raise Unauthorized("a valid X-API-Key header is required")


BUILD_EXAMPLE = {"sources": ["cpic-tables@pypgx-0.27.0"], "unchanged": True, "nodes": {}, "relationships": {},
                 "seconds": {"fetch": 0.4, "check": 0.1}, "bad_rows": [], "bad_row_count": 0}


@router.post("/admin/build", dependencies=[Depends(require_admin)], summary="Fetch and load the sources",
             responses=responses(401, 403, 422, ok=BUILD_EXAMPLE))
def post_build(
    request: Request,
    graph: GraphDep,
    source: Annotated[list[str] | None, Query(max_length=20, description="only these sources")] = None,
    strict: bool = False,
    force: Annotated[bool, Query(description="reload even when the sources are unchanged")] = False,
) -> BuildSummary:
    """Requires the X-API-Key header to equal PGXKG_ADMIN_API_KEY; a no-op when nothing changed.

    After a build that wrote anything, the app's reference data (vocabulary, rules, texts,
    evidence, allele definitions) is replaced as a whole, so the next answer uses the new data."""
    report = build(graph, Settings.from_env(), source or None, strict=strict, force=force)
    if not report.unchanged:
        request.app.state.reference.replace()
    return report.summary()
