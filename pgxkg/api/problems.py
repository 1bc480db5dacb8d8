"""Every error answers as RFC 9457 problem+json; never a stack trace to the client."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ClientError, ServiceUnavailable, SessionExpired
from starlette.exceptions import HTTPException

from pgxkg.errors import GraphUnavailable, NotFound, PgxkgError

log = logging.getLogger("pgxkg.api")
PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, request: Request, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": str(request.url.path), **{k: v for k, v in extra.items() if v is not None}}
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(PgxkgError)
    async def pgxkg_error(request: Request, error: PgxkgError) -> JSONResponse:
        suggestions = getattr(error, "suggestions", None) or None
        title = {404: "Not Found", 422: "Unprocessable Content", 503: "Service Unavailable",
                 409: "Conflict", 413: "Content Too Large"}.get(error.status_code, "Bad Request")
        return problem(error.status_code, title, error.message, request, hint=error.hint,
                       suggestions=suggestions)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in error.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:5])
        return problem(422, "Unprocessable Content", detail or "invalid request", request, errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail), str(error.detail), request)

    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(SessionExpired)
    async def unreachable(request: Request, error: Exception) -> JSONResponse:
        unavailable = GraphUnavailable(f"Neo4j is not reachable ({error}).")
        return problem(503, "Service Unavailable", unavailable.message, request)

    @app.exception_handler(ClientError)
    async def client_error(request: Request, error: ClientError) -> JSONResponse:
        status = 408 if "Timeout" in (error.code or "") or "terminated" in (error.message or "") else 400
        return problem(status, "Query refused" if status == 400 else "Query timed out",
                       error.message or str(error), request)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return problem(500, "Internal Server Error", "an unexpected error occurred; it has been logged",
                       request)


__all__ = ["PROBLEM", "NotFound", "install", "problem"]
