"""Indications: the drugs a prescriber chooses between, in genotype-blind first-line order.

Defined in ``indications.toml`` (packaged) and in users' own TOML files of the same shape
(read with the standard library's ``tomllib``). An entry with the same name in a user's
file replaces the packaged one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pgxkg.errors import InvalidInput

MAX_DRUGS = 10  # the Q-learning table has 2**drugs treatment histories per phenotype state


@dataclass(frozen=True)
class Indication:
    """One clinical question: ``drugs`` (lowercase generic names) in first-line order."""

    name: str
    title: str
    drugs: tuple[str, ...]
    note: str = ""
    origin: str = "packaged"

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "drugs": list(self.drugs), "note": self.note,
                "origin": self.origin}


def load_indications(extra: Path | None = None) -> dict[str, Indication]:
    """The packaged indications, plus (replacing by name) those in ``extra``; raises InvalidInput."""
    packaged = (resources.files("pgxkg.simulate") / "indications.toml").read_text()
    found = _parse(packaged, "packaged")
    if extra is not None:
        try:
            text = extra.read_text()
        except OSError as error:
            raise InvalidInput(f"cannot read indications file {extra}: {error.strerror}") from None
        found.update(_parse(text, str(extra)))
    return found


def indication(name: str, extra: Path | None = None) -> Indication:
    """One indication by name; an unknown name is InvalidInput listing the known ones."""
    known = load_indications(extra)
    if name not in known:
        raise InvalidInput(f"unknown indication {name!r}", sorted(known))
    return known[name]


def _parse(text: str, origin: str) -> dict[str, Indication]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"{origin}: not valid TOML ({error})") from None
    return {name: _entry(name, body, origin) for name, body in data.items()}


def _entry(name: str, body: object, origin: str) -> Indication:
    where = f"{origin}: indication {name!r}"
    if not isinstance(body, dict):
        raise InvalidInput(f"{where} must be a table ([{name}] with title and drugs)")
    unknown = sorted(set(body) - {"title", "drugs", "note"})
    if unknown:
        raise InvalidInput(f"{where} has unknown keys {', '.join(unknown)}", ["title", "drugs", "note"])
    drugs = body.get("drugs")
    if not isinstance(drugs, list) or not all(isinstance(d, str) and d.strip() for d in drugs):
        raise InvalidInput(f"{where}: drugs must be a list of drug names")
    cleaned = tuple(d.strip().lower() for d in drugs)
    if len(set(cleaned)) != len(cleaned):
        raise InvalidInput(f"{where} lists a drug twice: {', '.join(cleaned)}")
    if len(cleaned) < 2:
        raise InvalidInput(f"{where} has {len(cleaned)} drug(s); a choice needs at least two")
    if len(cleaned) > MAX_DRUGS:
        raise InvalidInput(f"{where} has {len(cleaned)} drugs; at most {MAX_DRUGS} (the Q-learning "
                           f"table grows as 2**drugs)")
    title = body.get("title", name)
    note = body.get("note", "")
    if not isinstance(title, str) or not isinstance(note, str):
        raise InvalidInput(f"{where}: title and note must be text")
    return Indication(name=name, title=title, drugs=cleaned, note=note, origin=origin)
