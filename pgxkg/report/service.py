"""Reports rendered and written: one file per report (HTML, PDF or FHIR JSON), a folder for many."""

from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import Path

from pgxkg.errors import InvalidInput
from pgxkg.report import fhir, html
from pgxkg.report.model import PatientReport
from pgxkg.report.pdf import PdfPrinter

FORMATS = {"html": ".html", "pdf": ".pdf", "fhir": ".fhir.json"}


def format_of(out: Path, fmt: str | None) -> str:
    """``fmt`` if given, else read from the file name (report.html, report.pdf, report.fhir.json)."""
    if fmt:
        if fmt not in FORMATS:
            raise InvalidInput(f"--format {fmt!r}: use html, pdf or fhir")
        return fmt
    name = out.name.lower()
    for found, suffix in FORMATS.items():
        if name.endswith(suffix) or (found == "fhir" and name.endswith(".json")):
            return found
    raise InvalidInput(f"cannot tell the format from {out.name!r}: name it .html, .pdf or .fhir.json, "
                       "or give --format html|pdf|fhir")


def render(report: PatientReport, fmt: str, codes: fhir.Codes | None = None,
           printer: PdfPrinter | None = None) -> bytes:
    """One report as the bytes of ``fmt`` (a PDF needs ``printer``, a started ``PdfPrinter``)."""
    page = html.render(report)
    if fmt == "html":
        return page.encode()
    if fmt == "fhir":
        return fhir.bundle_json(report, codes, presented_html=page).encode()
    if printer is None:
        raise ValueError("a PDF needs a started PdfPrinter")
    return printer.pdf(page, f"{report.title}{' — ' + report.sample if report.sample else ''}")


def write(reports: list[PatientReport], out: Path, fmt: str | None, codes: fhir.Codes | None = None) -> list[Path]:
    """Write one report to ``out``, or many into the folder ``out`` (``<sample>.<ext>``); returns the paths.

    One report may go to a file or a folder; several need a folder (an existing one, or a name
    without a report suffix). A PDF starts one headless Chromium for all of them.
    """
    many = len(reports) > 1 or out.is_dir()
    if many and out.exists() and not out.is_dir():
        raise InvalidInput(f"{out} is a file, and {len(reports)} reports need a folder",
                           "give --sample for one report, or --out a folder")
    if len(reports) > 1 and any(out.name.lower().endswith(s) for s in (*FORMATS.values(), ".json")):
        raise InvalidInput(f"the input holds {len(reports)} samples: give --sample for one report, "
                           f"or --out a folder for all of them, not {out.name!r}")
    fmt = fmt or ("html" if many else None)
    fmt = format_of(out, fmt)
    targets = ([out / f"{_safe(r.sample or f'report-{i + 1}')}{FORMATS[fmt]}" for i, r in enumerate(reports)]
               if many else [out])
    with ExitStack() as stack:
        printer = stack.enter_context(PdfPrinter()) if fmt == "pdf" else None
        for report, target in zip(reports, targets, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            data = render(report, fmt, codes, printer)
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(data)
            partial.replace(target)  # never a half-written report under the real name
    return targets


def _safe(name: str) -> str:
    """A sample name as a file name (letters, digits, dot, dash, underscore)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "sample"
