"""Cross-source steps run on the collected records before anything is written."""

from __future__ import annotations

import re

from pgxkg.loaders.collect import Collection
from pgxkg.loaders.records import EdgeRecord, normalise_name

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
    """Recommendation -SUGGESTS-> Drug for every other known drug its text names.

    CPIC and DPWG texts name their alternatives ("Use prasugrel or ticagrelor"),
    so a whole-word match against the drugs in the graph finds them.
    """
    drugs = sorted((key for key, _ in collection.nodes_of("Drug") if len(key) >= min_length),
                   key=len, reverse=True)
    if not drugs:
        return 0
    pattern = re.compile(r"\b(" + "|".join(re.escape(d) for d in drugs) + r")\b", re.IGNORECASE)
    added = 0
    for key, entry in collection.nodes_of("Recommendation"):
        text = str(entry.props.get("text", ""))
        own = entry.props.get("drug")
        for name in sorted({m.lower() for m in pattern.findall(text)} - {own}):
            for source in entry.sources:
                collection.add_edge(EdgeRecord("SUGGESTS", ("Recommendation", key), ("Drug", name)),
                                    source)
            added += 1
    return added
