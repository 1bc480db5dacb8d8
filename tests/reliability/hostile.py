"""Every path, query, header and body parameter of every endpoint in /openapi.json gets every
hostile value; plus oversized, nested and malformed bodies. Nothing may answer 5xx, errors
must be problem+json, nothing may leak, and the graph must be the same afterwards."""

from __future__ import annotations

import copy
import json
import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from pgxkg.graph.connection import Graph
from tests.api_server import running_api
from tests.reliability.context import (
    Context,
    ScenarioResult,
    env_for,
    known_state,
    lost_between,
    remember,
    state,
)
from tests.reliability.corpus import (
    BAD_UTF8_BODIES,
    CORPUS,
    RAW_NUMBER_BODIES,
    nested_array,
    nested_object,
)

WORKERS = 4
TIMEOUT_S = 60.0
# Required parameters the spec gives no example for.
BASELINE = {"format": "cytoscape"}
VCF = (b"##fileformat=VCFv4.2\n##contig=<ID=chr10>\n"
       b'##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
       b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
       b"chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n")
# What an answer may never contain (the Neo4j password and the admin key are added at run time).
NEVER = ["neo4j.exceptions", "Traceback (most recent call last)", 'File "/', "content_sha256", "BuildLock"]
# uvicorn's HTTP parser refuses header bytes HTTP forbids before the app sees the request
PROTOCOL_REFUSAL = "Invalid HTTP request received."
ENTITY_LABEL = {"/genes/{symbol}": "Gene", "/drugs/{name}": "Drug", "/diseases/{disease_id}": "Disease",
                "/variants/{variant_id}": "Variant", "/alleles/{allele_id}": "Allele"}
FREE_READ = {"/cypher", "/health", "/stats"}  # may show Source nodes by contract


@dataclass
class Probe:
    """One request: what it sends, and which parameter carries the hostile value."""

    method: str
    route: str
    target: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, bytes] = field(default_factory=dict)
    json_body: Any = None
    content: bytes | Iterator[bytes] | None = None
    files: dict[str, Any] | None = None
    data: dict[str, str] | None = None
    allowed: frozenset[int] = frozenset(range(200, 500))
    value: str = ""  # the hostile value, which an answer may echo


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _example(spec: dict, schema: dict) -> Any:
    schema = _resolve(spec, schema)
    if schema.get("examples"):
        return copy.deepcopy(schema["examples"][0])
    if schema.get("type") == "object" and "properties" in schema:
        return {name: _example(spec, sub) for name, sub in schema["properties"].items()
                if name in schema.get("required", []) or _resolve(spec, sub).get("examples")}
    return "x"


def _encode(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _url(route: str, path_values: dict[str, str]) -> str:
    for name, value in path_values.items():
        route = route.replace("{" + name + "}", _encode(value))
    return route


def _hostile_variants(value: Any, hostile: str) -> Iterator[Any]:
    """The example body with ``hostile`` in each string leaf and each key, one at a time."""
    if isinstance(value, dict):
        for key, sub in value.items():
            yield {**{k: v for k, v in value.items() if k != key}, hostile: sub}
            for variant in _hostile_variants(sub, hostile):
                yield {**value, key: variant}
    elif isinstance(value, list):
        for index, sub in enumerate(value[:2]):
            for variant in _hostile_variants(sub, hostile):
                yield [*value[:index], variant, *value[index + 1:]]
        yield [*value, hostile]
    else:
        yield hostile


def probes(spec: dict, corpus: list[str]) -> Iterator[Probe]:
    """The hostile requests for every operation in the OpenAPI spec."""
    for route, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            params = operation.get("parameters", [])
            base: dict[str, tuple[str, Any]] = {}
            for param in params:
                schema = param.get("schema", {})
                example = (schema.get("examples") or [None])[0]
                if example is None and param.get("required"):
                    example = BASELINE.get(param["name"], "x")
                if example is not None:
                    base[param["name"]] = (param["in"], example)
            body = operation.get("requestBody", {}).get("content", {})
            json_schema = body.get("application/json", {}).get("schema")
            form_schema = body.get("multipart/form-data", {}).get("schema")
            body_example = _example(spec, json_schema) if json_schema else None

            def request(target: str, values: dict[str, tuple[str, Any]], hostile: str, route=route,
                        method=method, **extra: Any) -> Probe:
                path_values = {n: str(v) for n, (where, v) in values.items() if where == "path"}
                query: list[tuple[str, str]] = []
                for name, (where, value) in values.items():
                    if where == "query":
                        query += [(name, str(v)) for v in (value if isinstance(value, list) else [value])]
                headers = {n: str(v).encode("utf-8", "surrogatepass")
                           for n, (where, v) in values.items() if where == "header"}
                if headers:  # a refused header may close the connection: do not reuse it
                    headers["connection"] = b"close"
                return Probe(method.upper(), route, target, _url(route, path_values), query, headers,
                             value=hostile, **extra)

            form_base = ({"files": {"vcf": ("sample.vcf", VCF, "text/plain")}, "data": {}}
                         if form_schema else {})
            for hostile in corpus:
                for param in params:
                    values = {**base, param["name"]: (param["in"], hostile)}
                    yield request(param["name"], values, hostile, json_body=body_example, **form_base)
                if json_schema:
                    for variant in _hostile_variants(body_example, hostile):
                        yield request("body", base, hostile, json_body=variant)
                if form_schema:
                    fields = _resolve(spec, form_schema).get("properties", {})
                    for name, sub in fields.items():
                        if _resolve(spec, sub).get("format") == "binary":
                            content = hostile.encode("utf-8", "surrogatepass")
                            yield request(name, base, hostile, data={},
                                          files={name: ("x.vcf", content, "text/plain")})
                            yield request(f"{name} filename", base, hostile, data={},
                                          files={name: (hostile, VCF, "text/plain")})
                        else:
                            yield request(name, base, hostile, files=form_base["files"], data={name: hostile})


def special_probes(max_body: int, max_batch: int) -> Iterator[Probe]:
    """Oversized bodies and batches, deep nesting, non-standard numbers, broken UTF-8."""
    big = json.dumps({"CYP2C19": "*1/*1", "pad": "x" * (max_body + 1024)}).encode()
    for route in ("/risk", "/risk/batch", "/cypher"):
        yield Probe("POST", route, "oversized body", route, content=big, allowed=frozenset({413}))
    chunks = (big[i: i + 65536] for i in range(0, len(big), 65536))  # no Content-Length: chunked
    yield Probe("POST", "/risk", "oversized chunked body", "/risk", content=chunks, allowed=frozenset({413}))
    batch = [{"CYP2C19": "*1/*1"}] * (max_batch + 1)
    yield Probe("POST", "/risk/batch", "oversized batch", "/risk/batch", json_body=batch,
                allowed=frozenset({413, 422}))
    for depth in (1_000, 10_000, 100_000):
        for route in ("/risk", "/risk/batch", "/cypher"):
            for body in (nested_object(depth), nested_array(depth)):
                yield Probe("POST", route, f"nested {depth}", route, content=body,
                            headers={"content-type": b"application/json"}, allowed=frozenset({413, 422}))
        yield Probe("POST", "/cypher", f"nested params {depth}", "/cypher",
                    content=b'{"query": "RETURN $a AS a", "params": {"a": ' + nested_array(depth) + b"}}",
                    headers={"content-type": b"application/json"}, allowed=frozenset({403, 404, 413, 422}))
    for depth in (40, 200, 600):  # values the driver would have to (un)pack recursively
        deep = "[" * depth + "]" * depth
        yield Probe("POST", "/cypher", f"deep literal {depth}", "/cypher",
                    json_body={"query": f"RETURN {deep} AS a"}, allowed=frozenset({403, 404, 422}))
        yield Probe("POST", "/cypher", f"deep parameter {depth}", "/cypher",
                    json_body={"query": "RETURN $a AS a", "params": {"a": json.loads(deep)}},
                    allowed=frozenset({403, 404, 422}))
    for body in RAW_NUMBER_BODIES + BAD_UTF8_BODIES:
        for route in ("/risk", "/risk/batch"):
            raw = body if route == "/risk" else b"[" + body + b"]"
            yield Probe("POST", route, f"raw {body[:30]!r}", route, content=raw,
                        headers={"content-type": b"application/json"})
    for route in ("/search", "/subgraph"):
        for bad in ("NaN", "1e309", "-1", "99999999999999999999999", "Infinity"):
            yield Probe("GET", route, "limit", route, params=[("q", "clopidogrel"), ("center", "clopidogrel"),
                                                             ("limit", bad)], allowed=frozenset({422}))
    for raw in ("%ED%A0%80", "%FF%FE", "%00", "%C0%AF", "%2F%2E%2E"):
        yield Probe("GET", "/genes/{symbol}", "raw path bytes", f"/genes/CYP{raw}2C19")


def send(client: httpx.Client, probe: Probe) -> httpx.Response | str:
    as_json = probe.content is None and probe.files is None
    try:
        return client.request(probe.method, probe.path, params=probe.params, headers=probe.headers,
                              json=probe.json_body if as_json else None,
                              content=probe.content, files=probe.files, data=probe.data)
    except (httpx.LocalProtocolError, UnicodeEncodeError, ValueError) as error:
        return f"client could not send: {error}"  # h11 refuses e.g. a newline in a header: nothing sent
    except httpx.HTTPError as error:
        return f"no answer: {type(error).__name__}: {error}"


def problems_with(probe: Probe, answer: httpx.Response | str, secrets_: list[str]) -> list[str]:
    if isinstance(answer, str):
        return [] if answer.startswith("client could not send") else [answer]
    found = []
    status, text = answer.status_code, answer.text
    if status == 400 and text == PROTOCOL_REFUSAL and probe.headers and probe.target not in ("body",):
        return []  # refused by the HTTP server itself: nothing reached the application
    if status not in probe.allowed:
        found.append(f"status {status}")
    if status >= 400:
        if not answer.headers.get("content-type", "").startswith("application/problem+json"):
            found.append(f"{status} is {answer.headers.get('content-type')}, not problem+json")
        else:
            try:
                if answer.json().get("status") != status:
                    found.append("problem+json status differs from the HTTP status")
            except ValueError:
                found.append("problem+json body is not JSON")
    leaks = [s for s in secrets_ if s and s in text]
    leaks += [s for s in NEVER if s in text and s not in probe.value
              and not (probe.route in FREE_READ and s in ("content_sha256", "BuildLock"))]
    if leaks:
        found.append(f"leaks {leaks}")
    if (status == 200 and probe.route in ENTITY_LABEL
            and answer.json().get("label") != ENTITY_LABEL[probe.route]):
        found.append(f"answered a {answer.json().get('label')} for {probe.route}")
    if status == 200 and probe.route in ("/subgraph", "/paths", "/search"):
        body = answer.json()
        nodes = (body.get("nodes") or body.get("items")
                 or [n for p in body.get("paths", []) for n in p["nodes"]])
        labels = {n.get("label") for n in nodes}
        if labels & {"Source", "BuildLock"}:
            found.append(f"returned {labels & {'Source', 'BuildLock'}} nodes")
    return found


def hostile_requests(ctx: Context) -> ScenarioResult:
    admin_key = secrets.token_urlsafe(24)
    env = {**env_for(ctx.served), "PGXKG_ENABLE_CYPHER": "1", "PGXKG_ADMIN_API_KEY": admin_key}
    with Graph(ctx.served) as graph:
        before = known_state(ctx, ctx.served, graph)
    failures: list[str] = []
    sent = passed = 0
    log = ctx.work / "hostile-uvicorn.log"
    with running_api(env, log) as base, httpx.Client(base_url=base, timeout=TIMEOUT_S) as client:
        spec = client.get("/openapi.json").json()
        all_probes = [*probes(spec, CORPUS), *special_probes(5 * 1024 * 1024, 1000)]
        secrets_ = [ctx.served.effective_password(), admin_key]
        with ThreadPoolExecutor(WORKERS) as pool:
            answers = list(pool.map(lambda p: send(client, p), all_probes))
        # 503 + Retry-After means "the database could not answer now; retry": a client does, once.
        transient = [i for i, a in enumerate(answers) if not isinstance(a, str) and a.status_code == 503
                     and a.headers.get("retry-after")]
        for index in transient:
            time.sleep(float(answers[index].headers["retry-after"]))
            answers[index] = send(client, all_probes[index])
        for probe, answer in zip(all_probes, answers, strict=True):
            if isinstance(answer, str) and answer.startswith("client could not send"):
                continue
            sent += 1
            problems = problems_with(probe, answer, secrets_)
            passed += not problems
            if problems and len(failures) < 40:
                shown = probe.path[:80] + (f" {probe.params}"[:120] if probe.params else "")
                body = "" if probe.json_body is None else f" {json.dumps(probe.json_body)[:100]}"
                failures.append(f"{probe.method} {shown}{body} [{probe.target}]: {'; '.join(problems)}")
        operations = sum(1 for item in spec["paths"].values() for m in item if m in {"get", "post"})
    with Graph(ctx.served) as graph:
        lost, what = lost_between(before, remember(ctx, ctx.served, state(graph)))
    if lost:
        failures.append(f"the graph changed: {what}")
    notes = (f"{len(CORPUS)} hostile values x every parameter of {operations} operations + "
             f"{sum(1 for _ in special_probes(1, 1))} oversized/nested/malformed bodies; {sent} requests, "
             f"{len(transient)} answered 503 + Retry-After once and were retried")
    return ScenarioResult("hostile requests", sent, passed, lost, None, notes, failures)
