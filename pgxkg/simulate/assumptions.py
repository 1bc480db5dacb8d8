"""The outcome assumption table: pharmacogenomic category -> P(adverse reaction), P(failure).

One editable TSV (``assumptions.tsv`` is the packaged, illustrative default; its header says
how to read and change it). Validated on load: every situation present once, nothing else,
probabilities in [0, 1]. The table is printed with every simulation result.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pgxkg.errors import InvalidInput
from pgxkg.simulate.answers import CATEGORIES

ADJUST_DOSE = "adjust_dose"
ADJUST_DOSE_FOLLOWED = "adjust_dose_followed"
SITUATIONS: tuple[str, ...] = (*CATEGORIES, ADJUST_DOSE_FOLLOWED)
COLUMNS = ("situation", "p_adverse", "p_failure", "note")


@dataclass(frozen=True)
class Outcome:
    """Per prescription: probability of an adverse drug reaction, and (independently) of failure."""

    p_adverse: float
    p_failure: float
    note: str = ""


@dataclass(frozen=True)
class Assumptions:
    """The validated table, by situation (a category, or ``adjust_dose_followed``)."""

    rows: dict[str, Outcome]
    origin: str

    @classmethod
    def from_rows(cls, rows: dict[str, Outcome | tuple[float, float]], origin: str = "<table>") -> Assumptions:
        """Build and validate from ``{situation: Outcome or (p_adverse, p_failure)}``."""
        outcomes = {k: v if isinstance(v, Outcome) else Outcome(*v) for k, v in rows.items()}
        _validate(outcomes, origin)
        return cls(dict(sorted(outcomes.items(), key=lambda kv: SITUATIONS.index(kv[0]))), origin)

    def outcome(self, category: str, dose_follows_genotype: bool) -> Outcome:
        """The row for a prescription: ``adjust_dose`` at the adjusted dose when the prescriber sees the genotype."""
        if category == ADJUST_DOSE and dose_follows_genotype:
            return self.rows[ADJUST_DOSE_FOLLOWED]
        return self.rows[category]

    def as_list(self) -> list[dict]:
        return [{"situation": k, "p_adverse": v.p_adverse, "p_failure": v.p_failure, "note": v.note}
                for k, v in self.rows.items()]

    def as_tsv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in self.as_list():
            writer.writerow([row[c] for c in COLUMNS])
        return out.getvalue()


def default_path() -> Path:
    return Path(str(resources.files("pgxkg.simulate") / "assumptions.tsv"))


def load_assumptions(path: Path | None = None) -> Assumptions:
    """Read and validate a table (default: the packaged illustrative one); raises InvalidInput."""
    path = path or default_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read assumption table {path}: {error}") from None
    return parse_assumptions(text, str(path))


def parse_assumptions(text: str, origin: str) -> Assumptions:
    """Parse the TSV text (``#`` lines are comments; the first other line is the header)."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InvalidInput(f"{origin}: the assumption table is empty",
                           [f"a header line: {' TAB '.join(COLUMNS)}"])
    header = [h.strip() for h in next(csv.reader([lines[0][1]], delimiter="\t"))]
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise InvalidInput(f"{origin}:{lines[0][0]}: the header lacks {', '.join(missing)} "
                           f"(tab-separated: {', '.join(COLUMNS)})")
    outcomes: dict[str, Outcome] = {}
    line_of: dict[str, int] = {}
    for number, line in lines[1:]:
        fields = dict(zip(header, (f.strip() for f in next(csv.reader([line], delimiter="\t"))), strict=False))
        situation = fields.get("situation", "")
        where = f"{origin}:{number}"
        if situation not in SITUATIONS:
            raise InvalidInput(f"{where}: unknown situation {situation!r}", list(SITUATIONS))
        if situation in outcomes:
            raise InvalidInput(f"{where}: {situation!r} is given twice (first on line {line_of[situation]})")
        outcomes[situation] = Outcome(_probability(fields.get("p_adverse"), f"{where}: p_adverse"),
                                      _probability(fields.get("p_failure"), f"{where}: p_failure"),
                                      fields.get("note") or "")
        line_of[situation] = number
    return Assumptions.from_rows(outcomes, origin)


def _probability(value: str | float | None, where: str) -> float:
    try:
        number = float(value) if value not in (None, "") else math.nan
    except ValueError:
        raise InvalidInput(f"{where} is {value!r}, not a number") from None
    if math.isnan(number):
        raise InvalidInput(f"{where} is missing")
    if not 0.0 <= number <= 1.0:
        raise InvalidInput(f"{where} is {number:g}: a probability must lie between 0 and 1")
    return number


def _validate(outcomes: dict[str, Outcome], origin: str) -> None:
    unknown = sorted(set(outcomes) - set(SITUATIONS))
    if unknown:
        raise InvalidInput(f"{origin}: unknown situation(s) {', '.join(unknown)}", list(SITUATIONS))
    absent = [s for s in SITUATIONS if s not in outcomes]
    if absent:
        raise InvalidInput(f"{origin}: the assumption table has no row for {', '.join(absent)}; "
                           f"every category needs one", list(SITUATIONS))
    for situation, outcome in outcomes.items():
        for name in ("p_adverse", "p_failure"):
            _probability(getattr(outcome, name), f"{origin}: {situation} {name}")
