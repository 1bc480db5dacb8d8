"""GET /export/{format}: the selection the CLI's `pgxkg export` takes, as a download."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from fastapi import APIRouter, Query
from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from pgxkg.api.deps import GraphDep, ReferenceDep
from pgxkg.api.problems import responses
from pgxkg.errors import PgxkgError
from pgxkg.export.select import DEFAULT_LIMIT, MAX_DEPTH, MAX_NODES, Selection
from pgxkg.export.service import export, get_format
from pgxkg.export.writers import FORMATS
from pgxkg.queries.genotype_input import read_genotype

router = APIRouter(tags=["export"])
_FULL_EXPORT = threading.Lock()  # one whole-graph export at a time: each holds up to a few GB


class Busy(PgxkgError):
    status_code = 429


@router.get("/export/{format}", summary="Download a subgraph, a genotype's risk subgraph, or the whole graph",
            response_class=FileResponse,
            responses={200: {"description": "GraphML, GEXF, Cytoscape.js JSON; KGX and CSV as a zip "
                                            "of nodes and edges tables",
                             "content": {media: {"schema": {"type": "string", "format": "binary"}}
                                         for media in sorted({f.media_type for f in FORMATS.values() if not f.tables}
                                                             | {"application/zip"})}},
                       **responses(404, 422, 429)})
def get_export(
    graph: GraphDep,
    reference: ReferenceDep,
    format: str,
    center: list[str] = Query([], description="entities to center on (repeatable)",
                              examples=[["CYP2C19"]]),
    depth: int = Query(1, ge=1, le=MAX_DEPTH),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_NODES, description="most nodes around each center"),
    genotype: str | None = Query(None, max_length=20_000,
                                 description="e.g. 'CYP2C19 *2/*2; CYP2D6 *4/*4' or JSON"),
    all: bool = Query(False, description="the whole graph (streamed; large)"),
) -> FileResponse:
    fmt = get_format(format)
    selection = Selection(centers=tuple(center), depth=depth, limit=limit, everything=all,
                          genotype=tuple(read_genotype(genotype)) if genotype else ()).check()
    folder = Path(tempfile.mkdtemp(prefix="pgxkg-export-"))
    name = "pgxkg-export" + (".zip" if fmt.tables else fmt.extension)
    try:
        if all:
            if not _FULL_EXPORT.acquire(blocking=False):
                raise Busy("another whole-graph export is running", "try again in a minute")
            try:
                result = export(graph, selection, fmt.name, folder / name, reference)
            finally:
                _FULL_EXPORT.release()
        else:
            result = export(graph, selection, fmt.name, folder / name, reference)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(result.paths[0], media_type="application/zip" if fmt.tables else fmt.media_type,
                        filename=name, background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
                        headers={"X-Export-Nodes": str(result.nodes), "X-Export-Relationships": str(result.edges)})
