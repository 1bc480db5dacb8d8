"""Cross-source steps run on the collected records before anything is written."""

from __future__ import annotations

import re

from pgxkg.loaders.collect import Collection
from pgxkg.loaders.records import EdgeRecord
from pgxkg.vocab import normalise_name

PHARMGKB_DISEASE_PREFIX = "PharmGKB:"


def resolve_diseases(collection: Collection, names: dict[str, str]) -> int:
    """Move diseases known only by a PharmGKB name onto the HPO (OMIM/ORPHA) id of that name.

    ``names`` maps a normalised disease name to its id. Returns how many moved.
    """
    renames = {}
    for key, entry in collection.nodes_of("Disease"):
        if not key.startswith(PHARMGKB_DISEASE_PREFIX):
            continue
        target = names.get(normalise_name(str(entry.props.get("name", key[len(PHARMGKB_DISEASE_PREFIX):]))))
        if target:
            renames[key] = target
    collection.rename_nodes("Disease", renames)
    return len(renames)


def link_named_alternatives(collection: Collection, min_length: int = 4) -> int:
    """Recommendation -SUGGESTS-> Drug for every other known drug its text names as something to use.

    CPIC and DPWG texts name their alternatives ("Use prasugrel or ticagrelor"), so a whole-word
    match against the drugs in the graph finds them. A drug named in a sentence about something
    else is not an alternative: a co-medication or an interacting inducer or inhibitor ("if the
    patient is also using a moderate CYP3A4 inducer, such as modafinil"), or a drug ruled out
    ("do not select codeine", "tegafur is not an alternative").
    """
    drugs = sorted((key for key, _ in collection.nodes_of("Drug") if len(key) >= min_length),
                   key=len, reverse=True)
    if not drugs:
        return 0
    pattern = re.compile(r"\b(" + "|".join(re.escape(d) for d in drugs) + r")\b", re.IGNORECASE)
    added = 0
    for key, entry in collection.nodes_of("Recommendation"):
        own = entry.props.get("drug")
        named = set()
        for sentence in _SENTENCES.split(str(entry.props.get("text", ""))):
            if _NOT_AN_ALTERNATIVE.search(sentence):
                continue
            named.update(m.lower() for m in pattern.findall(sentence))
        for name in sorted(named - {own}):
            for source in entry.sources:
                collection.add_edge(EdgeRecord("SUGGESTS", ("Recommendation", key), ("Drug", name)),
                                    source)
            added += 1
    return added


_SENTENCES = re.compile(r"(?<=[.;!?])\s+|\n+")
_NOT_AN_ALTERNATIVE = re.compile(
    r"\b(?:inducers?|inhibitors?|co-?medication|concomitant\w*|also (?:using|taking|uses|takes)"
    r"|in combination with|interact\w*|not (?:a |an )?(?:suitable )?alternatives?|do not (?:select|use|choose)"
    r"|(?:is|are) also metaboli[sz]ed|not recommended)\b", re.IGNORECASE)


def merge_duplicate_guidelines(collection: Collection) -> int:
    """One node per CPIC guideline: PharmGKB's ``CPIC:drug-gene`` guideline nodes move onto
    the CPIC table's guideline (keyed by its URL) for the same drug, when there is exactly one."""
    with_url = {key for key, entry in collection.nodes_of("Guideline")
                if key.startswith("CPIC:") and entry.props.get("url")}
    by_drug: dict[str, list[str]] = {}
    for (rel, start, end) in collection.edges:
        if rel == "FOR_DRUG" and start[0] == "Guideline" and start[1] in with_url:
            by_drug.setdefault(end[1], []).append(start[1])
    renames = {}
    for (rel, start, end) in collection.edges:
        if rel != "FOR_DRUG" or start[0] != "Guideline" or not start[1].startswith("CPIC:"):
            continue
        targets = by_drug.get(end[1], [])
        if start[1] not in targets and len(targets) == 1:
            renames[start[1]] = targets[0]
    collection.rename_nodes("Guideline", renames)
    return len(renames)
