"""Read a genotype as users write it: JSON, a PharmCAT outside-call TSV, PharmCAT's own result
files, or inline text.

Only the shape is decided here (``notation.py`` holds the grammar); whether a gene or allele
exists, and what a name means, is the vocabulary's job (``vocabulary.py``, ``notation_reading.py``),
which can suggest near matches.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pgxkg.errors import InvalidInput
from pgxkg.queries import notation

MAX_ITEMS = 500
MAX_VALUE_CHARS = 1000  # the longest real item (a PharmCAT DPYD call listing its variants) is a few hundred
MAX_GENE_CHARS = 100  # a gene symbol or rsID
KINDS = ("diplotype", "allele", "phenotype", "activity", "status", "rsid", "nocall", "uncertain")


@dataclass(frozen=True)
class GeneInput:
    """One fact about one gene (or rsID) as the user gave it.

    ``kind``: diplotype (two alleles), allele (one allele or variant written alone), phenotype
    (any other term: a phenotype, or a name the vocabulary reads), activity (an activity score),
    status (``*57:01 positive``), rsid (bases at an rsID), nocall (``./.``, ``Unknown/Unknown``),
    uncertain (``*1/*2 or *2/*3``). ``origin`` says where it was written (``calls.tsv:3``);
    ``advisory`` facts come from a result file (PharmCAT's): one the data cannot read is
    listed in the answer with the reason instead of failing the request.
    """

    gene: str  # gene symbol as given, or an rsID
    kind: str
    value: str  # text as written (cleaned of invisible characters)
    alleles: tuple[str, ...] = ()  # diplotype alleles split at the first separator, or the one allele
    positive: bool | None = None  # for kind "status"
    score: float | None = None  # for kind "activity"
    at_least: bool = False  # for kind "activity": "≥ score"
    options: tuple[str, ...] = ()  # for kind "uncertain"
    origin: str | None = None
    advisory: bool = False
    # An uncertain call (pgxkg.calling): every diplotype still possible, what result would settle it,
    # and whether more are possible than are listed. The risk layer (queries/uncertainty.py) evaluates
    # each and reports a drug whose verdict differs across them as needing that result.
    possible: tuple[tuple[str, ...], ...] = ()
    pending: str | None = None
    possible_truncated: bool = False

    @property
    def uncertain(self) -> bool:
        return bool(self.possible) or self.possible_truncated

    def describe(self) -> str:
        return f"{self.gene} {self.value}"


def classify(gene: str, value: str, origin: str | None = None, advisory: bool = False) -> GeneInput:
    """Decide what kind of fact ``value`` is for ``gene``; raise InvalidInput when unreadable."""
    gene, value = notation.clean(gene), notation.clean(value)
    where = f"{origin}: " if origin else ""
    if not gene or not value:
        raise InvalidInput(f"{where}empty gene or value in genotype item {gene!r}: {value!r}")
    if len(gene) > MAX_GENE_CHARS:
        raise InvalidInput(f"{where}a gene name of {len(gene):,} characters ({_short(gene)}); at most {MAX_GENE_CHARS}")
    if len(value) > MAX_VALUE_CHARS:
        raise InvalidInput(f"{where}{gene}: the value is {len(value):,} characters long ({_short(value)}); "
                           f"at most {MAX_VALUE_CHARS:,}")
    common = {"origin": origin, "advisory": advisory}
    if notation.is_rsid(gene):
        found = notation.bases(value)
        if not found:
            raise InvalidInput(f"{where}{gene}: {value!r} is not a genotype like 'A/G'")
        return GeneInput(gene.lower(), "rsid", value, alleles=tuple(sorted(found)), **common)
    if notation.is_no_call(value):
        return GeneInput(gene, "nocall", value, **common)
    options = notation.alternatives(value)
    if len(options) > 1:  # an uncertain call: the risk layer tries each (queries/uncertainty.py)
        pairs = []
        for option in options:
            cuts = notation.separators(option)
            if cuts:
                pairs.append((option[:cuts[0]].strip(), option[cuts[0] + 1:].strip()))
        return GeneInput(gene, "uncertain", value, options=tuple(options), possible=tuple(pairs),
                         pending=f"a result that tells {' and '.join(options)} apart",
                         possible_truncated=len(pairs) < len(options), **common)
    score = notation.activity(value)
    if score is not None:
        return GeneInput(gene, "activity", value, score=score[0], at_least=score[1], **common)
    status = notation.status(value)
    if status:
        return GeneInput(gene, "status", value, alleles=(status[0],), positive=status[1], **common)
    first = value.split(None, 1)
    if notation.is_rsid(first[0]) and len(first) == 2 and notation.bases(first[1]):
        return GeneInput(gene, "rsid", value, alleles=tuple(sorted(notation.bases(first[1]) or ())), **common)
    cuts = notation.separators(value)
    if cuts:
        first_cut = cuts[0]
        left, right = value[:first_cut].strip(), value[first_cut + 1:].strip()
        if not left or not right:
            raise InvalidInput(f"{where}{gene}: {value!r} is not a diplotype like '*1/*2' (an allele is missing)")
        return GeneInput(gene, "diplotype", value, alleles=(left, right), **common)
    if value.startswith(("*", "[")):
        return GeneInput(gene, "allele", value, alleles=(value,), **common)
    return GeneInput(gene, "phenotype", value, **common)


def from_mapping(data: Any, origin: str | None = None) -> list[GeneInput]:
    """``{"CYP2C19": "*2/*17", "HLA-B": ["*57:01 positive"], "rs4244285": "A/A"}``, or a PharmCAT
    ``phenotype.json``/``report.json`` object (``pharmcat_input``)."""
    from pgxkg.queries import pharmcat_input

    if not isinstance(data, dict):
        raise InvalidInput("a genotype must be a JSON object mapping gene -> value or list of values")
    if pharmcat_input.kind_of(data):
        return pharmcat_input.read_document(data, origin or "PharmCAT result")
    items: list[GeneInput] = []
    for gene, values in data.items():
        for value in values if isinstance(values, list) else [values]:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise InvalidInput(f"{gene}: value {value!r} must be a string or a number")
            items.append(classify(str(gene), str(value), origin))
    return _checked(items)


_HEADER = {"gene", "gene symbol", "genesymbol", "symbol", "#gene"}


def from_outside_call_tsv(text: str, origin: str = "<tsv>") -> list[GeneInput]:
    """PharmCAT outside calls: ``gene<TAB>diplotype[<TAB>phenotype[<TAB>activity score]]``.

    As PharmCAT reads them: ``#`` comment lines and blank lines are skipped, the diplotype may
    carry the gene (``CYP2D6*1/CYP2D6*4``), ``.`` or ``./.`` is no call, and the phenotype may
    repeat the gene. Also: a UTF-8 byte-order mark, CRLF line ends and a header line
    (``gene<TAB>diplotype...``) are accepted. Each filled column becomes one fact, so a
    diplotype and a phenotype on one line must agree (``phenotype.py`` checks).
    """
    items: list[GeneInput] = []
    seen_data = False
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = line.translate({0xFEFF: None}).rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{origin}:{number}"
        fields = [notation.clean(f) for f in line.split("\t")]
        if not seen_data and fields[0].lower() in _HEADER:
            seen_data = True
            continue
        seen_data = True
        gene = fields[0]
        if not gene:
            raise InvalidInput(f"{where}: no gene in the first column")
        if len(fields) < 2:
            raise InvalidInput(f"{where}: {line.strip()!r} has no tab; write gene<TAB>diplotype"
                               "[<TAB>phenotype[<TAB>activity score]]")
        diplotype, phenotype, score = [*fields[1:], "", "", ""][:3]
        if diplotype == "/":
            diplotype = ""
        if not (diplotype or phenotype or score):
            raise InvalidInput(f"{where}: {gene!r} has no diplotype, phenotype or score")
        try:
            if diplotype:
                items.append(classify(gene, diplotype, where))
            if phenotype:
                items.append(classify(gene, phenotype, where))
            if score:
                item = classify(gene, score, where)
                if item.kind != "activity":
                    raise InvalidInput(f"{where}: {gene}: the activity score column holds {score!r}, not a number")
                items.append(item)
        except InvalidInput as error:
            message = error.message if error.message.startswith(where) else f"{where}: {error.message}"
            raise InvalidInput(message, error.suggestions) from None
    return _checked(items)


_INLINE_SPLIT = re.compile(r"[;\n]")


def from_inline(text: str) -> list[GeneInput]:
    """``CYP2C19 *2/*17; CYP2D6=Poor Metabolizer; HLA-B*57:01; rs4244285 A/A``."""
    items = []
    for part in _INLINE_SPLIT.split(text):
        part = notation.clean(part)
        if not part:
            continue
        split = notation.split_item(part)
        if not split:
            raise InvalidInput(f"cannot read genotype item {part!r}; write it as 'GENE VALUE'")
        items.append(classify(*split))
    return _checked(items)


def read_genotype(spec: str | dict, *, allow_files: bool = False) -> list[GeneInput]:
    """One genotype, however it is given: the one parser the CLI and the API share.

    - a mapping (``{"CYP2C19": "*2/*17"}``), ``{"outside_calls": "<PharmCAT TSV text>"}``, or a
      PharmCAT ``phenotype.json``/``report.json`` object;
    - JSON text, PharmCAT outside-call TSV text (it has a tab), or inline text
      (``CYP2C19 *2/*2; HLA-B *57:01 positive``);
    - with ``allow_files`` (the CLI, never the API), a path to a JSON or TSV file.

    Raises InvalidInput for anything unreadable, naming the item and where it was; a gene
    given twice with different values in JSON text is refused here (duplicate keys).
    """
    if isinstance(spec, dict):
        if set(spec) == {"outside_calls"} and isinstance(spec["outside_calls"], str):
            return from_outside_call_tsv(spec["outside_calls"], "outside_calls")
        return from_mapping(spec)
    if not isinstance(spec, str):
        raise InvalidInput("a genotype is one object or one text; use the batch call for several")
    if allow_files and len(spec) < 4096 and "\n" not in spec and Path(spec).is_file():
        return from_text(read_text(Path(spec)), spec)
    if allow_files and _FILE_NAME.search(spec.strip()) and " " not in spec.strip():
        raise InvalidInput(f"no such file: {spec.strip()}")
    return from_text(spec, "genotype")


_FILE_NAME = re.compile(r"\.(?:json|tsv|txt|csv|vcf)(?:\.gz)?$", re.IGNORECASE)  # what only a file is called


def read_text(path: Path) -> str:
    """A file's text as UTF-8 (a byte-order mark is dropped); raises InvalidInput when it is not text."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be read ({error.strerror})") from None


def from_text(text: str, origin: str) -> list[GeneInput]:
    """JSON if it starts with ``{``, outside-call TSV if it has a tab, inline text otherwise."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        return from_mapping(parse_json(text, origin), origin)
    if "\t" in text:
        return from_outside_call_tsv(text, origin)
    return from_inline(text)


def parse_json(text: str | bytes, origin: str) -> Any:
    """JSON with duplicate keys refused when their values differ (``{"CYP2C19": "*1/*1",
    "CYP2C19": "*2/*2"}`` names CYP2C19): plain JSON parsing would keep the last one silently."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{origin}: not valid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise InvalidInput(f"{origin}: the JSON is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:  # e.g. an integer of more than 4,300 digits
        raise InvalidInput(f"{origin}: not valid JSON ({error})") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out and out[key] != value:
            raise InvalidInput(f"{key} is given twice with different values ({_short(out[key])} and "
                               f"{_short(value)}): a JSON object keeps only one; give the one that holds, or "
                               f"two facts about one gene (a diplotype and its phenotype) as one list: "
                               f"{{{json.dumps(key)}: [{_short(out[key])}, {_short(value)}]}}")
        out[key] = value
    return out


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _checked(items: list[GeneInput]) -> list[GeneInput]:
    if not items:
        raise InvalidInput("the genotype is empty: give at least one gene")
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"the genotype has {len(items)} items; at most {MAX_ITEMS}")
    return items
