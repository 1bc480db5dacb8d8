"""Cross-source steps run on the collected records before anything is written."""

from __future__ import annotations

import re
from collections import defaultdict

from pgxkg.loaders.collect import Collection, Entry
from pgxkg.loaders.records import EdgeRecord
from pgxkg.vocab import AT_LEAST, condition, drug_id, normalise_name, phenotype_id

PHARMGKB_DISEASE_PREFIX = "PharmGKB:"
_WORD = re.compile(r"\w+")


def resolve_diseases(collection: Collection, names: dict[str, str]) -> int:
    """Move diseases known only by a PharmGKB name onto the HPO (OMIM/ORPHA) id of that name.

    ``names`` maps a normalised disease name to its id. Returns how many moved.
    """
    renames = {}
    for key, entry in collection.nodes_of("Disease"):
        if not key.startswith(PHARMGKB_DISEASE_PREFIX):
            continue
        candidates = [entry.props.get("name", key[len(PHARMGKB_DISEASE_PREFIX):]), *entry.props.get("synonyms", [])]
        target = next((names[n] for n in map(normalise_name, map(str, candidates)) if n in names), None)
        if target:
            renames[key] = target
    collection.rename_nodes("Disease", renames)
    return len(renames)


def link_named_alternatives(collection: Collection, min_length: int = 4) -> int:
    """Recommendation -SUGGESTS-> Drug for every other known drug its text names as something to use.

    CPIC and DPWG texts name their alternatives ("Use prasugrel or ticagrelor"), so a whole-word
    match against the medicines in the graph (not metabolites or other chemicals) finds them: names
    and texts are compared as runs of words (``\\w+``), so punctuation between words does not matter.
    A drug named in a sentence about something else is not an alternative: a co-medication or an
    interacting inducer or inhibitor ("if the patient is also using a moderate CYP3A4 inducer, such
    as modafinil"), or a drug ruled out ("do not select codeine", "tegafur is not an alternative").
    """
    names: dict[tuple[str, ...], str] = {}
    for key, entry in sorted(collection.nodes_of("Drug")):
        if len(key) >= min_length and is_medicine(entry):
            names.setdefault(tuple(_WORD.findall(key)), key)
    if not names:
        return 0
    longest = max(len(words) for words in names)
    added = 0
    for key, entry in collection.nodes_of("Recommendation"):
        own = entry.props.get("drug")
        named = set()
        for sentence in _SENTENCES.split(str(entry.props.get("text", ""))):
            if _NOT_AN_ALTERNATIVE.search(sentence):
                continue
            words = _WORD.findall(sentence.lower())
            named.update(names[run] for i in range(len(words)) for j in range(i + 1, min(len(words), i + longest) + 1)
                         if (run := tuple(words[i:j])) in names)
        for name in sorted(named - {own}):
            for source in entry.sources:
                collection.add_edge(EdgeRecord("SUGGESTS", ("Recommendation", key), ("Drug", name)), source)
            added += 1
    return added


def is_medicine(entry: Entry) -> bool:
    """A Drug node that is a medicine: not a ClinPGx metabolite, ion or biological intermediate."""
    kind = str(entry.props.get("chemical_type", "Drug"))
    return "Drug" in kind or "Prodrug" in kind


_SENTENCES = re.compile(r"(?<=[.;!?])\s+|\n+")
_NOT_AN_ALTERNATIVE = re.compile(
    r"\b(?:inducers?|inhibitors?|co-?medication|concomitant\w*|also (?:using|taking|uses|takes)"
    r"|in combination with|interact\w*|not (?:a |an )?(?:suitable )?alternatives?|do not (?:select|use|choose)"
    r"|(?:is|are) also metaboli[sz]ed|not recommended)\b", re.IGNORECASE)


def merge_duplicate_guidelines(collection: Collection) -> int:
    """One node per guideline.

    PharmGKB's ``<body>:drug-gene`` nodes move onto ClinPGx's ``<body>:<id>`` annotation with the same
    ClinPGx id; then PharmGKB's ``CPIC:drug-gene`` guideline nodes and ClinPGx's annotations of CPIC
    guidelines (one per drug) move onto CPIC's own guideline (the CPIC table's or the CPIC API's) for
    the same drug, when there is exactly one. One pass over the relationships, one rename.
    """
    guidelines = dict(collection.nodes_of("Guideline"))
    by_id = {}
    for key, entry in guidelines.items():
        target = f"{entry.props.get('source')}:{entry.props.get('pharmgkb_id')}"
        if entry.props.get("pharmgkb_id") and key != target and target in guidelines:
            by_id[key] = target
    with_url = {key for key, entry in guidelines.items()
                if key.startswith("CPIC:") and entry.props.get("url") and not entry.props.get("annotation")}
    for_drug = [(start[1], end[1]) for (rel, start, end) in collection.edges
                if rel == "FOR_DRUG" and start[0] == "Guideline"]
    by_drug: dict[str, list[str]] = defaultdict(list)
    for guideline, drug in for_drug:
        if guideline in with_url:
            by_drug[drug].append(guideline)
    onto_cpic = {}
    for guideline, drug in for_drug:
        moved = by_id.get(guideline, guideline)
        targets = by_drug.get(drug, [])
        if moved.startswith("CPIC:") and moved not in with_url and len(targets) == 1:
            onto_cpic[moved] = targets[0]
    renames = {old: onto_cpic.get(new, new) for old, new in by_id.items()}
    renames.update(onto_cpic)
    renames = {old: new for old, new in renames.items() if old != new}
    for key, new in renames.items():
        if new in with_url:
            guidelines[key].props.pop("annotation", None)  # it joins a guideline
    collection.rename_nodes("Guideline", renames)
    return len(renames)


def _name_index(collection: Collection, label: str, identified: str) -> dict[str, str]:
    """Normalised name and synonyms -> key, over nodes of ``label`` that carry ``identified``
    (a ClinPGx id); a name two of them share is left out."""
    index: dict[str, set[str]] = defaultdict(set)
    for key, entry in collection.nodes_of(label):
        if entry.props.get(identified):
            for name in [entry.props.get("name", key), *entry.props.get("synonyms", [])]:
                index[(drug_id if label == "Drug" else normalise_name)(str(name))].add(key)
    return {name: next(iter(keys)) for name, keys in index.items() if len(keys) == 1}


def resolve_drugs(collection: Collection) -> int:
    """One Drug per drug: Drugs that carry one ClinPGx id join the node ClinPGx's own files make for
    it (CPIC calls metamizole "dipyrone"); a Drug no official source identifies (no ClinPGx id) moves
    onto the identified one whose name, synonym or RxNorm CUI it has, when exactly one has it. The
    moved name stays a synonym of the drug it joined. Returns how many moved."""
    renames = _same_clinpgx_id(collection)
    _rename_drugs(collection, renames)
    names = _name_index(collection, "Drug", "pharmgkb_id")
    rxnorm: dict[str, set[str]] = defaultdict(set)
    for key, entry in collection.nodes_of("Drug"):
        if entry.props.get("pharmgkb_id") and entry.props.get("rxnorm"):
            rxnorm[str(entry.props["rxnorm"])].add(key)
    moved = len(renames)
    renames = {}
    for key, entry in collection.nodes_of("Drug"):
        if entry.props.get("pharmgkb_id"):
            continue
        target = names.get(drug_id(key))
        by_cui = rxnorm.get(str(entry.props.get("rxnorm", "")), set())
        if target is None and len(by_cui) == 1:
            target = next(iter(by_cui))
        if target and target != key:
            renames[key] = target
    _rename_drugs(collection, renames)
    return moved + len(renames)


def _same_clinpgx_id(collection: Collection) -> dict[str, str]:
    """Drug keys -> the key of the node ClinPGx's files give the same ClinPGx id (else the first by name)."""
    by_id: dict[str, list[tuple[str, Entry]]] = defaultdict(list)
    for key, entry in collection.nodes_of("Drug"):
        if entry.props.get("pharmgkb_id"):
            by_id[str(entry.props["pharmgkb_id"])].append((key, entry))
    renames = {}
    for group in by_id.values():
        if len(group) < 2:
            continue
        keys = sorted(key for key, _ in group)
        target = next((key for key, entry in sorted(group, key=lambda item: item[0])
                       if any(s.startswith("clinpgx@") for s in entry.sources)), keys[0])
        renames.update({key: target for key in keys if key != target})
    return renames


def _rename_drugs(collection: Collection, renames: dict[str, str]) -> None:
    collection.rename_nodes("Drug", renames)
    nodes = dict(collection.nodes_of("Drug"))
    for old, new in renames.items():
        target = nodes.get(new)
        if target is not None and old not in (target.props.get("synonyms") or []):
            target.props["synonyms"] = [*(target.props.get("synonyms") or []), old]


def unshare_rxnorm(collection: Collection) -> int:
    """An RxNorm CUI that two Drug nodes carry is neither drug's identity (ClinPGx lists
    l-methylfolate and levomefolic acid as two chemicals with CUI 1025342): it moves from ``rxnorm``
    to ``rxnorm_ids`` on both, so neither exports as that CUI and a lookup by it still finds them,
    and the two stay apart (no silent merge). Returns how many CUIs were shared."""
    holders: dict[str, list] = defaultdict(list)
    for _, entry in collection.nodes_of("Drug"):
        if entry.props.get("rxnorm"):
            holders[str(entry.props["rxnorm"])].append(entry)
    shared = {cui: entries for cui, entries in holders.items() if len(entries) > 1}
    for cui, entries in shared.items():
        for entry in entries:
            del entry.props["rxnorm"]
            entry.props["rxnorm_ids"] = [*dict.fromkeys([*(entry.props.get("rxnorm_ids") or []), cui])]
    return len(shared)


def resolve_drug_classes(collection: Collection) -> tuple[int, int]:
    """Drug classes that sources give as drugs ("antidepressants", "hormonal contraceptives for systemic
    use"; CPIC's drug table and PharmGKB's rows both do) become the DrugClass ClinPGx lists (keyed by ATC
    code), never a Drug: a Drug with a class's ClinPGx id, or without a ClinPGx id and with a class's
    name. What was about the drug is about the class, and a class is never an alternative.
    Returns (classes resolved, edges the schema does not allow for a class and that were dropped)."""
    classes = _name_index(collection, "DrugClass", "pharmgkb_id")
    by_id = {entry.props["pharmgkb_id"]: key for key, entry in collection.nodes_of("DrugClass")
             if entry.props.get("pharmgkb_id")}
    moves = {}
    for key, entry in collection.nodes_of("Drug"):
        pharmgkb_id = entry.props.get("pharmgkb_id")
        target = by_id.get(pharmgkb_id) if pharmgkb_id else classes.get(normalise_name(key))
        if target:
            moves[key] = target
    return len(moves), collection.relabel_nodes("Drug", "DrugClass", moves)


def phenotype_only_conditions(collection: Collection) -> int:
    """``phenotype_only`` WHEN edges for rules keyed by activity score that name no phenotype (DPWG's
    CYP2D6 rows), from the phenotypes' activity-score ranges (CPIC's, in the graph): a genotype known
    only by its phenotype then meets the rules of the scores that phenotype covers. Returns edges added."""
    ranges: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for _, entry in collection.nodes_of("Phenotype"):
        if entry.props.get("activity_min") is not None and entry.props.get("gene"):
            ranges[entry.props["gene"]].append((entry.props["name"], entry.props))
    scores: dict[tuple[str, str], set[str]] = defaultdict(set)
    covered: set[tuple[str, str]] = set()
    sources: dict[str, list[str]] = {}
    for (rel, start, _), entry in collection.edges.items():
        if rel != "WHEN":
            continue
        gene = entry.props.get("gene", "")
        if entry.props.get("kind") == "activity":
            scores[(start[1], gene)].add(str(entry.props["condition"]).rsplit(":", 1)[1])
            sources[start[1]] = entry.sources
        elif entry.props.get("kind") == "phenotype_only":
            covered.add((start[1], gene))
    added = 0
    for (recommendation, gene), values in scores.items():
        if (recommendation, gene) in covered:
            continue
        for name in sorted({p for v in values if (p := _phenotype_of(ranges[gene], v))}):
            for source in sources[recommendation]:
                collection.add_edge(EdgeRecord("WHEN", ("Recommendation", recommendation),
                                               ("Phenotype", phenotype_id(gene, name)),
                                               {"gene": gene, "kind": "phenotype_only",
                                                "condition": condition("phenotype_only", gene, name)}), source)
            added += 1
    return added


def _phenotype_of(ranges: list[tuple[str, dict]], value: str) -> str | None:
    score = float(value.removeprefix(AT_LEAST))
    for name, props in ranges:
        low, high = props["activity_min"], props.get("activity_max")
        above = score > low or (score == low and props.get("activity_min_inclusive", True))
        below = high is None or score < high or (score == high and props.get("activity_max_inclusive"))
        if above and below:
            return name
    return None
