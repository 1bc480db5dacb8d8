"""Read a genotype as users write it: JSON, a PharmCAT outside-call TSV, or inline text.

Only the shape is checked here; whether a gene or allele exists is the
vocabulary's job (``vocabulary.py``), which can suggest near matches.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pgxkg.errors import InvalidInput

_RSID = re.compile(r"^rs\d+$", re.IGNORECASE)
_RS_GENOTYPE = re.compile(r"^([ACGTN-]+)\s*[/|]?\s*([ACGTN-]+)?$", re.IGNORECASE)
_DIPLOTYPE = re.compile(r"^(\S.*?)\s*[/|]\s*(\S.*)$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_STATUS = re.compile(r"^(\*?[\w:.]+)\s+(positive|negative)$", re.IGNORECASE)
MAX_ITEMS = 500


@dataclass(frozen=True)
class GeneInput:
    """One fact about one gene (or rsID) as the user gave it."""

    gene: str  # gene symbol as given, or an rsID
    kind: str  # diplotype | phenotype | activity | status | rsid
    value: str  # raw text
    alleles: tuple[str, ...] = ()  # diplotype alleles, or the status allele
    positive: bool | None = None  # for kind "status"
    score: float | None = None  # for kind "activity"
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


def classify(gene: str, value: str) -> GeneInput:
    """Decide what kind of fact ``value`` is for ``gene``; raise InvalidInput when unreadable."""
    gene, value = gene.strip(), " ".join(str(value).split())
    if not gene or not value:
        raise InvalidInput(f"empty gene or value in genotype item {gene!r}: {value!r}")
    if _RSID.match(gene):
        match = _RS_GENOTYPE.match(value)
        if not match:
            raise InvalidInput(f"{gene}: {value!r} is not a genotype like 'A/G'")
        bases = (match.group(1) + (match.group(2) or "")).upper()
        if match.group(2) is None and len(bases) != 2:
            raise InvalidInput(f"{gene}: {value!r} is not a genotype like 'A/G'")
        return GeneInput(gene.lower(), "rsid", value, alleles=tuple(sorted(
            [match.group(1).upper(), (match.group(2) or "").upper()] if match.group(2) else list(bases))))
    if _NUMBER.match(value):
        return GeneInput(gene, "activity", value, score=float(value))
    status = _STATUS.match(value)
    if status:
        return GeneInput(gene, "status", value, alleles=(status.group(1),),
                         positive=status.group(2).lower() == "positive")
    diplotype = _DIPLOTYPE.match(value)
    if diplotype:
        return GeneInput(gene, "diplotype", value, alleles=(diplotype.group(1), diplotype.group(2)))
    if value.startswith("*"):
        raise InvalidInput(
            f"{gene}: {value!r} is a single allele; give a diplotype like '{value}/*1' "
            f"or an allele status like '{value} positive'"
        )
    return GeneInput(gene, "phenotype", value)


def from_mapping(data: Any) -> list[GeneInput]:
    """``{"CYP2C19": "*2/*17", "HLA-B": ["*57:01 positive"], "rs4244285": "A/A"}``."""
    if not isinstance(data, dict):
        raise InvalidInput("a genotype must be a JSON object mapping gene -> value or list of values")
    items: list[GeneInput] = []
    for gene, values in data.items():
        for value in values if isinstance(values, list) else [values]:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise InvalidInput(f"{gene}: value {value!r} must be a string or a number")
            items.append(classify(str(gene), str(value)))
    return _checked(items)


def from_outside_call_tsv(text: str, origin: str = "<tsv>") -> list[GeneInput]:
    """PharmCAT outside calls: ``gene<TAB>diplotype[<TAB>phenotype[<TAB>activity score]]``."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        gene = fields[0]
        value = next((f for f in fields[1:] if f), None)
        if value is None:
            raise InvalidInput(f"{origin}:{number}: {gene!r} has no diplotype, phenotype or score")
        try:
            items.append(classify(gene, value))
        except InvalidInput as error:
            raise InvalidInput(f"{origin}:{number}: {error.message}") from None
    return _checked(items)


def from_inline(text: str) -> list[GeneInput]:
    """``CYP2C19 *2/*17; CYP2D6=Poor Metabolizer; HLA-B *57:01 positive; rs4244285 A/A``."""
    items = []
    for part in re.split(r"[;\n]", text):
        part = part.strip()
        if not part:
            continue
        match = re.match(r"^([\w.-]+)\s*(?:[=:]\s*|\s+)(.+)$", part)
        if not match:
            raise InvalidInput(f"cannot read genotype item {part!r}; write it as 'GENE VALUE'")
        items.append(classify(match.group(1), match.group(2)))
    return _checked(items)


def read_genotype(spec: str | dict, *, allow_files: bool = False) -> list[GeneInput]:
    """One genotype, however it is given: the one parser the CLI and the API share.

    - a mapping (``{"CYP2C19": "*2/*17"}``), or ``{"outside_calls": "<PharmCAT TSV text>"}``;
    - JSON text, PharmCAT outside-call TSV text (it has a tab), or inline text
      (``CYP2C19 *2/*2; HLA-B *57:01 positive``);
    - with ``allow_files`` (the CLI, never the API), a path to a JSON or TSV file.

    Raises InvalidInput for anything unreadable, naming the item and where it was.
    """
    if isinstance(spec, dict):
        if set(spec) == {"outside_calls"} and isinstance(spec["outside_calls"], str):
            return from_outside_call_tsv(spec["outside_calls"], "outside_calls")
        return from_mapping(spec)
    if not isinstance(spec, str):
        raise InvalidInput("a genotype is one object or one text; use the batch call for several")
    if allow_files and len(spec) < 4096 and "\n" not in spec and Path(spec).is_file():
        return _from_text(Path(spec).read_text(), spec)
    return _from_text(spec, "genotype")


def _from_text(text: str, origin: str) -> list[GeneInput]:
    """JSON if it starts with ``{``, outside-call TSV if it has a tab, inline text otherwise."""
    if text.lstrip().startswith("{"):
        return from_mapping(_json(text, origin))
    if "\t" in text:
        return from_outside_call_tsv(text, origin)
    return from_inline(text)


def _json(text: str, origin: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{origin}: not valid JSON ({error.msg} at line {error.lineno})") from None


def _checked(items: list[GeneInput]) -> list[GeneInput]:
    if not items:
        raise InvalidInput("the genotype is empty: give at least one gene")
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"the genotype has {len(items)} items; at most {MAX_ITEMS}")
    return items
