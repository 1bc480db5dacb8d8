"""Every error answers as RFC 9457 problem+json; never a stack trace to the client."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ClientError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired
from starlette.exceptions import HTTPException

from pgxkg.errors import GraphUnavailable, NotFound, PgxkgError

log = logging.getLogger("pgxkg.api")
PROBLEM = "application/problem+json"
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 409: "Conflict", 413: "Content Too Large",
          422: "Unprocessable Content", 429: "Too Many Requests", 500: "Internal Server Error",
          503: "Service Unavailable"}
RETRY_AFTER_SECONDS = "5"
BODY_UNREADABLE = "There was an error parsing the body"  # FastAPI's detail when json.loads fails oddly


def problem(status: int, title: str, detail: str, request: Request, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": str(request.url.path), **{k: v for k, v in extra.items() if v is not None}}
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if status == 503 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _unavailable(request: Request, error: Exception) -> JSONResponse:
    log.warning("Neo4j unavailable on %s: %s", request.url.path, error)
    detail = error.message if isinstance(error, GraphUnavailable) else f"Neo4j is not reachable ({error})."
    return problem(503, "Service Unavailable", detail, request,
                   hint="the service recovers by itself when Neo4j is back; retry shortly")


def neo4j_problem(request: Request, error: Neo4jError) -> JSONResponse:
    """A server-side refusal: timeouts and bad queries are the caller's (4xx), the rest 503 or 500."""
    code = error.code or ""
    message = error.message or str(error)
    if "TimedOut" in code or "Terminated" in code or "timeout" in message.lower():
        return problem(422, "Query timed out", message, request,
                       hint="narrow the query (LIMIT, fewer hops) so it finishes within the timeout")
    if ".Security." in code or "AccessMode" in code or "WriteOnReadOnlyAccessDbException" in code:
        return problem(403, "Query refused", message, request, hint="this endpoint only reads")
    if isinstance(error, ClientError):
        return problem(422, "Query refused", message, request, neo4j_code=code)
    if code.startswith("Neo.TransientError"):
        return _unavailable(request, error)
    log.error("Neo4j error on %s: %s %s", request.url.path, code, message)
    return problem(500, "Internal Server Error", "the database reported an error; it has been logged",
                   request)


def install(app: FastAPI) -> None:
    @app.exception_handler(PgxkgError)
    async def pgxkg_error(request: Request, error: PgxkgError) -> JSONResponse:
        if isinstance(error, GraphUnavailable):
            return _unavailable(request, error)
        suggestions = getattr(error, "suggestions", None) or None
        return problem(error.status_code, TITLES.get(error.status_code, "Bad Request"), error.message,
                       request, hint=error.hint, suggestions=suggestions)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                  for e in error.errors()[:50]]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem(422, "Unprocessable Content", detail or "invalid request", request, errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 400 and error.detail == BODY_UNREADABLE:
            # json.loads gave up (nesting too deep, numbers too long): the body is unusable content.
            return problem(422, "Unprocessable Content",
                           "the request body could not be read as JSON (too deeply nested or too large a "
                           "number?)", request)
        return problem(error.status_code, TITLES.get(error.status_code, "Error"), str(error.detail), request)

    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(SessionExpired)
    async def unreachable(request: Request, error: Exception) -> JSONResponse:
        return _unavailable(request, error)

    @app.exception_handler(Neo4jError)
    async def neo4j_error(request: Request, error: Neo4jError) -> JSONResponse:
        return neo4j_problem(request, error)

    @app.exception_handler(DriverError)
    async def driver_error(request: Request, error: DriverError) -> JSONResponse:
        return _unavailable(request, error)

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, error: RecursionError) -> JSONResponse:
        return problem(422, "Unprocessable Content", "the request is nested too deeply", request)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return problem(500, "Internal Server Error", "an unexpected error occurred; it has been logged",
                       request)


def _schema_example(status: int, detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": "about:blank", "title": TITLES[status], "status": status, "detail": detail,
            "instance": "/genes/CYP2C91", **extra}


EXAMPLES = {
    401: _schema_example(401, "a valid X-API-Key header is required"),
    403: _schema_example(403, "admin endpoints are disabled: PGXKG_ADMIN_API_KEY is not set"),
    404: _schema_example(404, "no gene is called 'CYP2C91'", hint="did you mean: CYP2C19, CYP2C9?",
                         suggestions=["CYP2C19", "CYP2C9"]),
    413: _schema_example(413, "request bodies are limited to 5242880 bytes"),
    422: _schema_example(422, "unknown allele '*99' for CYP2C19", hint="did you mean: CYP2C19*9?",
                         suggestions=["CYP2C19*9"]),
    429: _schema_example(429, "another whole-graph export is running", hint="try again in a minute"),
    503: _schema_example(503, "Neo4j at bolt://127.0.0.1:7687 is not reachable (connection refused).",
                         hint="the service recovers by itself when Neo4j is back; retry shortly"),
}
PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"}, "instance": {"type": "string"}, "hint": {"type": "string"},
                   "suggestions": {"type": "array", "items": {"type": "string"}}},
    "required": ["type", "title", "status", "detail"],
}


def responses(*statuses: int, ok: Any = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a route: problem+json examples for ``statuses`` (503 always)."""
    documented: dict[int | str, dict[str, Any]] = {}
    if ok is not None:
        documented[200] = {"content": {"application/json": {"example": ok}}}
    for status in (*statuses, 503):
        documented[status] = {"description": TITLES[status], "content": {
            PROBLEM: {"schema": PROBLEM_SCHEMA, "example": EXAMPLES[status]}}}
    return documented


__all__ = ["PROBLEM", "NotFound", "install", "problem", "responses"]
