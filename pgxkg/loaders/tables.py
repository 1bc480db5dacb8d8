"""Reading the official release files: JSON and tab-separated text, plain or gzipped.

Every problem names the file and, where there is one, the line: a file that cannot be read
at all (not UTF-8, a cut gzip stream, broken JSON, a header without the columns we read)
raises ``SourceFileError``; a row with the wrong number of fields is reported through
``RowProblems`` (and stops the load under ``--strict``).

Quirks of the real files handled here (checked on the files in ../shared/data/official-formats):

- members over 4 MB arrive gzipped (``relationships.tsv.gz``); a file is read as gzip when it
  starts with the gzip magic bytes, whatever its name;
- ClinPGx TSVs have no quoting, one record per line; list fields are ``;``-separated (annotation
  drugs), ``,``-separated without a space (clinicalVariants) or ``, ``-separated (variant
  annotations), and names can contain ``, `` themselves (``Antivirals for treatment of HIV
  infections, combinations``): ``split_names`` re-joins parts that only make a known name together;
- name lists in drugs/chemicals/phenotypes are one CSV record written into the field, doubled
  quotes and all (``\"\"\"(2R,3R)-...\"\", \"\"10-o-desmethyl...\"\"\"``): ``name_list``;
- CPIC's change log (``data.tsv``) continues a record's last field on following lines after raw,
  unquoted line breaks (bullet lists): ``continued_rows``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from pgxkg.loaders.records import RowProblems, SourceFileError

GZIP_MAGIC = b"\x1f\x8b"
Row = dict[str, str]


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_text(path: Path) -> TextIO:
    """The file as UTF-8 text (a leading BOM dropped), decompressed when it is gzip."""
    try:
        raw = gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")  # noqa: SIM115 (returned)
    except OSError as error:
        raise SourceFileError(path, None, f"cannot read ({error.strerror or error})") from error
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line without its line break); a damaged file raises SourceFileError at its line."""
    number = 0
    try:
        with open_text(path) as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line.rstrip("\r\n")
    except UnicodeDecodeError as error:
        raise SourceFileError(path, number + 1, f"not UTF-8 text ({error.reason})") from error
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise SourceFileError(path, number + 1, f"the gzip stream is cut or damaged ({error})") from error
    except OSError as error:
        raise SourceFileError(path, number + 1, f"cannot read ({error.strerror or error})") from error


def read_json(path: Path) -> Any:
    """The parsed JSON document; SourceFileError with the line of a syntax error."""
    text = "\n".join(line for _, line in lines(path))
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceFileError(path, error.lineno, f"not valid JSON ({error.msg}); is the file truncated?") from error


def json_items(path: Path) -> Iterator[tuple[int, Any]]:
    """(line where it starts, element) for each element of a top-level JSON array.

    CPIC's API answers one array per table; the line lets a bad record be reported as file:line
    whether the array is pretty-printed or on one line (then every record is on line 1).
    """
    text = "\n".join(line for _, line in lines(path))
    decoder = json.JSONDecoder()
    counted, line = 0, 1

    def line_at(position: int) -> int:
        nonlocal counted, line
        line += text.count("\n", counted, position)
        counted = position
        return line

    position = _skip_space(text, 0)
    if not text.startswith("[", position):
        raise SourceFileError(path, line_at(position), "expected a JSON array of records")
    position = _skip_space(text, position + 1)
    if text.startswith("]", position):
        return
    while True:
        start = line_at(position)
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise SourceFileError(path, error.lineno, f"not valid JSON ({error.msg}); is the file truncated?") \
                from error
        yield start, item
        position = _skip_space(text, position)
        if text.startswith("]", position):
            return
        if not text.startswith(",", position):
            raise SourceFileError(path, line_at(position), "expected ',' or ']' between records; "
                                                           "is the file truncated?")
        position = _skip_space(text, position + 1)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def header_of(path: Path) -> list[str]:
    """The first line's tab-separated names ([] for an empty file)."""
    for _, line in lines(path):
        return line.split("\t")
    return []


def tsv_rows(path: Path, required: Iterable[str], problems: RowProblems) -> Iterator[tuple[int, Row]]:
    """(line, {column: value stripped}) per data line of a ClinPGx-style TSV (no quoting).

    The header must name every ``required`` column (else SourceFileError at line 1); a line with
    another number of fields than the header (a cut last line, a stray tab) is a bad row.
    """
    header: list[str] | None = None
    for number, line in lines(path):
        fields = line.split("\t")
        if header is None:
            header = fields
            missing = [column for column in required if column not in header]
            if missing:
                raise SourceFileError(path, 1, f"the header lacks column(s) {', '.join(missing)}; "
                                               f"found {', '.join(header) or 'nothing'}")
            continue
        if not line.strip():
            continue
        if len(fields) != len(header):
            problems.bad_row(path, number, f"{len(fields)} fields, expected {len(header)}; is the file truncated?")
            continue
        yield number, {name: value.strip() for name, value in zip(header, fields, strict=True)}
    if header is None:
        raise SourceFileError(path, 1, "the file is empty")


def continued_rows(path: Path, header: tuple[str, ...], problems: RowProblems) -> Iterator[tuple[int, Row]]:
    """Rows of a TSV whose last field may run over several physical lines (CPIC's change log).

    A line with fewer fields than the header continues the previous record's last field (joined
    with a line break); a line with more is a bad row.
    """
    found: tuple[int, list[str]] | None = None
    for number, line in lines(path):
        fields = line.split("\t")
        if number == 1:
            if tuple(fields) != header:
                raise SourceFileError(path, 1, f"expected header {', '.join(header)}, found {', '.join(fields)}")
            continue
        if len(fields) == len(header):
            if found:
                yield found[0], dict(zip(header, (f.strip() for f in found[1]), strict=True))
            found = (number, fields)
        elif len(fields) < len(header) and found is not None:
            found[1][-1] += "\n" + line
        elif line.strip():
            problems.bad_row(path, number, f"{len(fields)} fields, expected {len(header)}")
    if found:
        yield found[0], dict(zip(header, (f.strip() for f in found[1]), strict=True))


def split_field(value: str, separator: str = ";") -> list[str]:
    """A multi-valued field as its distinct non-empty values, in order."""
    return list(dict.fromkeys(part.strip() for part in value.split(separator) if part.strip()))


def name_key(name: str) -> str:
    """The form ``split_names`` compares names in: lowercase, no space after commas, single spaces."""
    return re.sub(r"\s*,\s*", ",", " ".join(name.lower().split()))


def split_names(value: str, separator: str, known: set[str] | frozenset[str]) -> list[str]:
    """Names separated by ``separator`` where a name may itself contain it: adjacent parts are
    joined back while the joined text is a ``known`` name (``known`` holds ``name_key`` forms)."""
    parts = [part.strip() for part in value.split(separator) if part.strip()]
    names: list[str] = []
    index = 0
    while index < len(parts):
        best = index
        for end in range(index + 1, min(len(parts), index + 6)):
            if name_key(", ".join(parts[index:end + 1])) in known:
                best = end
        names.append(", ".join(parts[index:best + 1]) if best > index else parts[index])
        index = best + 1
    return list(dict.fromkeys(names))


def name_list(value: str) -> list[str]:
    """ClinPGx's name lists: ``a, b`` or a CSV record written with doubled quotes (see module doc)."""
    text = value.strip()
    if not text:
        return []
    if text.startswith('"') and text.endswith('"') and len(text) > 1:
        text = text[1:-1].replace('""', '"')
    try:
        record = next(csv.reader([text], skipinitialspace=True))
    except (csv.Error, StopIteration):
        record = text.split(",")
    return list(dict.fromkeys(name.strip() for name in record if name.strip()))


def cross_references(value: str) -> dict[str, list[str]]:
    """``DrugBank:DB01048, RxNorm:190521`` -> {"DrugBank": ["DB01048"], "RxNorm": ["190521"]}."""
    found: dict[str, list[str]] = {}
    for item in name_list(value):
        prefix, _, rest = item.partition(":")
        if rest:
            found.setdefault(prefix.strip(), []).append(rest.strip())
    return found
