"""Genotype -> phenotype through the graph, and the conditions recommendations test.

Every resolved gene says what was given (``input``), what it was read as (``read_as``, ``notes``),
how it got its phenotype (``path``), and what could not be used (``unused``). Several facts about
one gene must agree, or the answer is an error naming the gene. When the data cannot type an
allele the phenotype is "Indeterminate" with the reason; when the input does not settle the
gene (one allele of two, a copy number not given, an uncertain call, HLA alleles not tested)
the gene is not ``determined`` and the rules that need it ask for the result. Never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pgxkg.errors import InvalidInput
from pgxkg.queries import notation
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.memo import KEEP_CHARS, kept
from pgxkg.queries.notation_reading import Fact, GeneFacts, ReadAllele, read_items
from pgxkg.queries.vocabulary import GeneVocabulary, Vocabulary
from pgxkg.vocab import activity_conditions, allele_id, condition, diplotype_id, natural_key

if TYPE_CHECKING:
    from pgxkg.reference import ReferenceData

INDETERMINATE = "Indeterminate"
NOT_DETERMINED = "not determined"


@dataclass
class ResolvedGene:
    gene: str
    input: str
    kind: str
    diplotype: str | None = None
    phenotype: str | None = None
    activity_score: float | None = None
    conditions: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    reason: str | None = None
    phenotypes_by_source: dict[str, str] = field(default_factory=dict)
    read_as: str | None = None
    origin: str | None = None
    notes: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    allele_status: dict[str, str] = field(default_factory=dict)
    determined: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def resolve(reference: ReferenceData, items: list[GeneInput]) -> list[ResolvedGene]:
    """Resolve one genotype (validated against the vocabulary; raises InvalidInput)."""
    return resolve_many(reference, [items])[0]


def resolve_many(reference: ReferenceData, genotypes: list[list[GeneInput]],
                 indexed: bool | list[int] = False) -> list[list[ResolvedGene]]:
    """Resolve many genotypes with one diplotype lookup round trip in total.

    With ``indexed`` a validation error names the genotype it is about ("genotype 3: ...", its index
    from 0; a list gives the number to name for each genotype, when they stand for others).
    """
    vocab = reference.vocabulary
    read = [_indexed(indexed, index, read_items, vocab, items) for index, items in enumerate(genotypes)]
    known = kept(reference.resolved_genes)
    hits: dict[tuple, ResolvedGene] = {}  # this call's own: another thread may empty ``known`` meanwhile
    wanted: dict[str, dict] = {}
    for genotype in read:
        for group in genotype:
            key = _key(group)
            if key is not None and key not in hits and (found := known.get(key)) is not None:
                hits[key] = found  # one read: another thread may empty ``known`` between two
            if key in hits:
                continue
            for fact in group.facts:
                pair = _lookup_pair(group.gene, fact)
                if pair and group.gene is not None:
                    dip = diplotype_id(group.gene.symbol, *pair)
                    wanted[dip] = {"id": dip, "alleles": [allele_id(group.gene.symbol, n) for n in pair]}
    mapped = reference.diplotypes(list(wanted.values())) if wanted else {}
    return [_indexed(indexed, index, lambda groups: [_kept_finish(vocab, g, mapped, known, hits) for g in groups],
                     genotype) for index, genotype in enumerate(read)]


def _key(group: GeneFacts) -> tuple | None:
    """What a gene's resolution depends on besides the reference data: its symbol and input items
    (None, not kept, when an item is too long to keep or cannot be a key)."""
    if any(len(fact.item.value) > KEEP_CHARS for fact in group.facts):
        return None
    key = group.symbol, tuple(fact.item for fact in group.facts)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _kept_finish(vocab: Vocabulary, group: GeneFacts, mapped: dict[str, dict], known: dict[tuple, ResolvedGene],
                 hits: dict[tuple, ResolvedGene]) -> ResolvedGene:
    """``_finish``, kept per gene and input. Each genotype gets its own copy whose
    ``phenotypes_by_source`` it may add to (the risk answer does); the lists are shared, read-only."""
    key = _key(group)
    found = hits.get(key) if key is not None else None
    if found is None:
        found = _finish(vocab, group, mapped)
        if key is not None:
            hits[key] = known[key] = found
    copy = replace(found)
    copy.phenotypes_by_source = dict(found.phenotypes_by_source)
    return copy


def _indexed(indexed: bool | list[int], index: int, function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except InvalidInput as error:
        if indexed is False:
            raise
        raise numbered(error, index if indexed is True else indexed[index]) from None


def numbered(error: InvalidInput, index: int) -> InvalidInput:
    """The error as it names genotype ``index`` of a batch."""
    return InvalidInput(f"genotype {index}: {error.message}", error.suggestions)


# --- one gene ---------------------------------------------------------------------------------

def _finish(vocab: Vocabulary, group: GeneFacts, mapped: dict[str, dict]) -> ResolvedGene:
    facts = group.facts
    given = list(dict.fromkeys(f.item.describe() for f in facts))
    origins = list(dict.fromkeys(f.item.origin for f in facts if f.item.origin))
    resolved = ResolvedGene(group.symbol, "; ".join(given), facts[0].item.kind,
                            origin="; ".join(origins) or None)
    resolved.notes = list(dict.fromkeys(n for f in facts for n in f.notes))
    missing = [f for f in facts if f.kind == "missing"]
    usable = [f for f in facts if f.kind != "missing"]
    resolved.unused = [f"{f.item.describe()}: {f.reason}" for f in missing]
    if not usable:
        resolved.kind, resolved.determined = "unused", False
        resolved.reason = "; ".join(f.reason or "" for f in missing)
        resolved.read_as = NOT_DETERMINED
        return resolved
    gene = group.gene
    genotypes = [f for f in usable if f.kind == "genotype"]
    if gene is None or (genotypes and len(genotypes) == len(usable)):
        return _genotype_only(vocab, resolved, group.symbol, genotypes)
    if gene.is_presence_gene:
        _presence(resolved, gene, usable)
        return resolved
    if gene.is_hla:
        _hla_without_rules(resolved, gene, usable)
        return resolved
    _one_gene(vocab, resolved, gene, usable, mapped)
    _score_conditions(gene, resolved)
    return resolved


def _genotype_only(vocab: Vocabulary, resolved: ResolvedGene, symbol: str, facts: list[Fact]) -> ResolvedGene:
    """Bases at rsIDs the gene's alleles do not spell out: ``genotype:rs...``, and ``carrier:rs...``
    when the variant's alternate base is carried."""
    by_rsid: dict[str, set[tuple[str, str]]] = {}
    for fact in facts:
        assert fact.rsid and fact.bases
        by_rsid.setdefault(fact.rsid, set()).add(tuple(sorted(fact.bases)))  # type: ignore[arg-type]
    for rsid, found in by_rsid.items():
        if len(found) > 1:
            raise InvalidInput(f"{rsid} is given twice with different genotypes: "
                               + " and ".join("/".join(b) for b in sorted(found)))
    resolved.kind = "rsid"
    for rsid, found in sorted(by_rsid.items()):
        bases = "".join(next(iter(found))) if all(len(b) == 1 for b in next(iter(found))) else \
            "/".join(next(iter(found)))
        resolved.conditions.append(condition("genotype", symbol, f"{rsid}:{bases}"))
        resolved.path.append(f"{rsid} genotype {bases}")
        variant = vocab.variants.get(rsid)
        if variant and variant.ref and any(b != variant.base(variant.ref) for b in next(iter(found))):
            resolved.conditions.append(condition("carrier", symbol, rsid))
    resolved.read_as = "; ".join(f"{rsid} {'/'.join(sorted(next(iter(b))))}" for rsid, b in sorted(by_rsid.items()))
    return resolved


def _one_gene(vocab: Vocabulary, resolved: ResolvedGene, gene: GeneVocabulary, facts: list[Fact],
              mapped: dict[str, dict]) -> None:
    """A gene with a diplotype, a phenotype, an activity score, or several that must agree."""
    calls = _distinct_calls(gene, [f for f in facts if f.kind == "call"])
    given_phenotypes = _distinct(gene, [f for f in facts if f.kind == "phenotype" and not f.item.advisory],
                                 lambda f: f.phenotype, "phenotypes")
    given_scores = _distinct(gene, [f for f in facts if f.kind == "activity" and not f.item.advisory],
                             lambda f: (f.score, f.at_least), "activity scores")
    advisory = [f for f in facts if f.item.advisory and f.kind in ("phenotype", "activity")]
    if advisory and not (calls or given_phenotypes or given_scores):  # PharmCAT's call unreadable here
        given_phenotypes = _distinct(gene, [f for f in advisory if f.kind == "phenotype"], lambda f: f.phenotype,
                                     "phenotypes")
        given_scores = _distinct(gene, [f for f in advisory if f.kind == "activity"],
                                 lambda f: (f.score, f.at_least), "activity scores")
        resolved.notes.append("the call cannot be read with the loaded data (see unused); the result "
                              "file's own phenotype is used")
    stray = [f for f in facts if f.kind == "genotype"]
    if stray:
        resolved.unused += [f"{f.item.describe()}: bases at {f.rsid} are not read together with a "
                            f"{gene.symbol} diplotype" for f in stray]
    phenotype = given_phenotypes[0].phenotype if given_phenotypes else None
    score = given_scores[0] if given_scores else None
    if calls:
        call = calls[0]
        resolved.kind = "diplotype" if len(call.alleles) == 2 else "allele"
        _call(vocab, resolved, gene, call, mapped)
        _agree(vocab, resolved, gene, call, phenotype, score)
        for fact in advisory:
            _check_advisory(vocab, resolved, gene, fact)
        return
    if phenotype and score:
        from_score = _score_phenotype(vocab, gene, score.score or 0.0, score.at_least)
        if from_score and from_score != phenotype:
            raise InvalidInput(f"{gene.symbol}: the activity score {_score_text(score)} is a {from_score}, "
                               f"but the phenotype given is {phenotype}")
    if score:
        resolved.kind = "activity"
        _from_score(vocab, resolved, gene, score.score or 0.0, score.at_least, given=True)
    if phenotype:
        resolved.kind = "phenotype" if not score else resolved.kind
        if resolved.phenotype != phenotype:
            _set_phenotype(resolved, gene, phenotype, f"given phenotype {phenotype}")
            resolved.determined, resolved.reason = True, None
    resolved.read_as = "; ".join(x for x in (_named(gene, phenotype) if phenotype else "",
                                             f"{gene.symbol} activity score {_score_text(score)}" if score else "")
                                 if x)


def _named(gene: GeneVocabulary, phenotype: str) -> str:
    """``CYP2D6 Poor Metabolizer``; ``G6PD Deficient`` (the data's name already says the gene)."""
    return phenotype if phenotype.upper().startswith(gene.symbol.upper()) else f"{gene.symbol} {phenotype}"


def _distinct(gene: GeneVocabulary, facts: list[Fact], key: Any, what: str) -> list[Fact]:
    seen: dict[Any, Fact] = {}
    for fact in facts:
        seen.setdefault(key(fact), fact)
    if len(seen) > 1:
        shown = " and ".join(f"{f.item.value!r}" + (f" ({f.item.origin})" if f.item.origin else "")
                             for f in seen.values())
        raise InvalidInput(f"{gene.symbol} is given twice with different {what}: {shown}")
    return list(seen.values())


def _distinct_calls(gene: GeneVocabulary, calls: list[Fact]) -> list[Fact]:
    """One call per gene: repeats collapse, an allele written alone is implied by a diplotype with
    it, anything else is a contradiction."""
    def key(fact: Fact) -> tuple[str, ...]:
        return tuple(sorted(a.text() for a in fact.alleles))

    full = {key(f): f for f in calls if len(f.alleles) == 2}
    lone = {key(f): f for f in calls if len(f.alleles) == 1}
    for lone_key in list(lone):
        if any(lone_key[0] in k for k in full):
            del lone[lone_key]
    distinct = list(full.values()) + list(lone.values())
    if len(distinct) > 1:
        shown = " and ".join(f"{'/'.join(a.text() for a in f.alleles)}" + (f" ({f.item.origin})" if f.item.origin
                                                                            else "") for f in distinct)
        raise InvalidInput(f"{gene.symbol} is given twice with different diplotypes: {shown}")
    return distinct


# --- calls: diplotypes, single alleles, structures, combinations ------------------------------

def _lookup_pair(gene: GeneVocabulary | None, fact: Fact) -> tuple[str, str] | None:
    """The diplotype whose row the phenotype tables may hold: both alleles named by the data; a
    combination stands for its lowest-activity variant (CPIC's DPYD rule, PharmCAT's lookup)."""
    if gene is None or fact.kind != "call" or gene.is_presence_gene:
        return None
    if len(fact.alleles) == 2:
        names = [_lookup_name(gene, a) for a in fact.alleles]
        return (names[0], names[1]) if names[0] and names[1] else None
    allele = fact.alleles[0]
    if allele.haplotype.combination:
        lowest = _two_lowest(gene, allele)
        return lowest if lowest else None
    return None


def _lookup_name(gene: GeneVocabulary, allele: ReadAllele) -> str | None:
    if allele.name:
        return allele.name
    if allele.haplotype.combination:
        values = [(_value(gene, p.name), i, p.name) for i, p in enumerate(allele.haplotype.parts)]
        if all(v is not None for v, _, _ in values):
            return min(values)[2]  # type: ignore[type-var]
    return None


def _two_lowest(gene: GeneVocabulary, allele: ReadAllele) -> tuple[str, str] | None:
    """Unphased variants: the two with the lowest activity values, presumed on different copies
    (CPIC's DPYD rule); with one variant found, the other copy is the reference."""
    values = [(_value(gene, p.name), i, p.name) for i, p in enumerate(allele.haplotype.parts)]
    if any(v is None for v, _, _ in values):
        return None
    ordered = [name for _, _, name in sorted(values)]  # type: ignore[type-var]
    if len(ordered) == 1:
        return (ordered[0], gene.reference_name) if gene.reference_name else None
    return ordered[0], ordered[1]


def _value(gene: GeneVocabulary, name: str) -> float | None:
    """The allele's activity value (from another source's node of it when its own has none)."""
    for equivalent in gene.equivalents(name):
        info = gene.alleles.get(equivalent)
        if info and info.activity is not None:
            return info.activity
    return None


def _haplotype_range(gene: GeneVocabulary, allele: ReadAllele) -> tuple[float, float | None] | list[str]:
    """An activity value range for one haplotype, or the alleles without a value. Copies multiply
    (``*2x2`` = 2 x *2; ``*2xN`` >= 2 x *2), tandem parts add (``*36+*10`` = *36 + *10, CPIC), a
    combination counts its lowest (its variants are on one copy)."""
    if allele.name and _value(gene, allele.name) is not None and not allele.haplotype.combination:
        value = _value(gene, allele.name) or 0.0
        return value, value
    parts = allele.haplotype.parts
    missing = [p.name for p in parts if _value(gene, p.name) is None]
    if missing:
        return missing
    if allele.haplotype.combination:
        lowest = min(_value(gene, p.name) or 0.0 for p in parts)
        return lowest, lowest
    low, high = 0.0, 0.0
    unbounded = False
    for part in parts:
        value = _value(gene, part.name) or 0.0
        low += part.copies * value
        high += part.copies * value
        unbounded = unbounded or (part.at_least and value > 0)
    return low, None if unbounded else high


def _call_range(gene: GeneVocabulary, fact: Fact) -> tuple[float, float | None] | list[str]:
    if len(fact.alleles) == 1:
        pair = _two_lowest(gene, fact.alleles[0])
        if pair is None:
            return [p.name for p in fact.alleles[0].haplotype.parts if _value(gene, p.name) is None] or \
                [gene.reference_name or "the reference allele"]
        values = [_value(gene, n) or 0.0 for n in pair]
        return sum(values), sum(values)
    ranges = [_haplotype_range(gene, a) for a in fact.alleles]
    missing = [name for r in ranges if isinstance(r, list) for name in r]
    if missing:
        return list(dict.fromkeys(missing))
    low = sum(r[0] for r in ranges if isinstance(r, tuple))
    highs = [r[1] for r in ranges if isinstance(r, tuple)]
    return low, None if any(h is None for h in highs) else sum(h for h in highs if h is not None)


def _call(vocab: Vocabulary, resolved: ResolvedGene, gene: GeneVocabulary, fact: Fact,
          mapped: dict[str, dict]) -> None:
    alleles = fact.alleles
    pair = _lookup_pair(gene, fact)
    texts = [a.text() for a in alleles]
    if len(alleles) == 2:
        resolved.diplotype = diplotype_id(gene.symbol, *(pair or texts))
        written = diplotype_id(gene.symbol, *texts)
        resolved.read_as = written + (f" (looked up as {resolved.diplotype})" if written != resolved.diplotype
                                      else "")
        resolved.conditions.append(condition("diplotype", gene.symbol, resolved.diplotype))
        resolved.path.append(f"diplotype {resolved.diplotype}")
    elif pair:  # unphased variants (one combination): CPIC's two lowest
        resolved.diplotype = diplotype_id(gene.symbol, *pair)
        resolved.read_as = f"{gene.symbol} {texts[0]} (unphased; looked up as {resolved.diplotype})"
        resolved.conditions.append(condition("diplotype", gene.symbol, resolved.diplotype))
        resolved.path.append(f"variants {texts[0]}: the two lowest activity values -> {resolved.diplotype}")
    else:
        resolved.read_as = f"{allele_id(gene.symbol, texts[0])} (one allele; the other not given)"
    carried = sorted({e for a in alleles for n in a.names for e in gene.equivalents(n)}, key=natural_key)
    resolved.conditions += [condition("carrier", gene.symbol, allele_id(gene.symbol, n)) for n in carried]
    if gene.is_variant_gene:
        _variant_conditions(resolved, gene, alleles)
    if len(alleles) == 1 and not pair:
        resolved.determined = False
        resolved.reason = (f"only one allele was given ({texts[0]}), so the {gene.symbol} phenotype is not "
                           "determined; give both alleles or the phenotype")
        resolved.path.append(f"{texts[0]}: carrier; phenotype {NOT_DETERMINED}")
        return
    row = mapped.get(resolved.diplotype or "") if pair else None
    found = _call_range(gene, fact)
    if isinstance(found, tuple) and found[1] is not None and found[0] == found[1]:
        resolved.activity_score = float(found[0])
    if row and row.get("mapped"):
        table = row["mapped"]
        sources = ", ".join(table.get("sources") or [])
        _set_phenotype(resolved, gene, table["phenotype"],
                       f"{resolved.diplotype} -[HAS_PHENOTYPE {sources}]-> {table['phenotype_id']}")
        if table["phenotype"] == INDETERMINATE:
            resolved.reason = _untypeable(row.get("alleles", [])) or \
                "the guideline's table maps this diplotype to Indeterminate"
        return
    if isinstance(found, tuple) and gene.activity_scored:
        _from_score(vocab, resolved, gene, found[0], found[1] is None, high=found[1])
        return
    if isinstance(found, list) and gene.activity_scored:
        reason = ", ".join(allele_id(gene.symbol, n) for n in found) + ": no activity value in the data"
        unknown = _untypeable(row.get("alleles", [])) if row else None
        _indeterminate(resolved, gene, unknown or reason)
        return
    structured = [a for a in alleles if not a.name or not a.haplotype.simple]
    if structured and not gene.activity_scored:
        _indeterminate(resolved, gene, f"{gene.symbol}'s phenotypes are not defined by activity values, so "
                                       f"{', '.join(a.text() for a in structured)} cannot be valued")
        return
    reason = (_untypeable(row.get("alleles", [])) if row else None) or \
        f"{resolved.diplotype} is not in the diplotype-phenotype tables"
    _indeterminate(resolved, gene, reason)


def _variant_conditions(resolved: ResolvedGene, gene: GeneVocabulary, alleles: tuple[ReadAllele, ...]) -> None:
    """A variant gene's diplotype as genotypes at its variants (VKORC1 Reference/rs9923231 is
    rs9923231 C/T), and ``carrier:rs...`` for each variant carried."""
    if len(alleles) != 2:
        for name in alleles[0].names:
            info = gene.alleles.get(name)
            for rsid, _ in info.variants if info else ():
                resolved.conditions.append(condition("carrier", gene.symbol, rsid))
        return
    for rsid, variant in sorted(gene.variants.items()):
        if not variant.ref:
            continue
        bases = []
        for allele in alleles:
            base = variant.base(variant.ref)
            for name in allele.names:
                info = gene.alleles.get(name)
                for defined, alt in info.variants if info else ():
                    if defined == rsid:
                        base = variant.base(alt)
            bases.append(base)
        if any(b != variant.base(variant.ref) for b in bases):
            resolved.conditions.append(condition("carrier", gene.symbol, rsid))
        resolved.conditions.append(condition("genotype", gene.symbol, f"{rsid}:{'/'.join(bases)}"))


def _from_score(vocab: Vocabulary, resolved: ResolvedGene, gene: GeneVocabulary, low: float, at_least: bool,
                high: float | None = None, given: bool = False) -> None:
    """Phenotype from an activity score, or a range of them (a copy number not given)."""
    top = None if at_least else (low if high is None else high)
    shown = f"≥ {low:g}" if top is None else (f"{low:g}" if top == low else f"{low:g} to {top:g}")
    how = "activity score" if given else "alleles' activity values sum to"
    if top == low:
        resolved.activity_score = low
    rows = vocab.phenotypes_from(gene, low, top)
    if len(rows) == 1:
        _set_phenotype(resolved, gene, rows[0]["name"], f"{how} {shown} -> {rows[0]['name']}")
    elif not rows:
        _indeterminate(resolved, gene, f"no {gene.symbol} phenotype is defined for activity score {shown}")
    else:
        resolved.determined = False
        resolved.reason = (f"the activity score is {shown} (a copy number not given): it may be "
                           + " or ".join(r["name"] for r in rows))
        resolved.path.append(f"{how} {shown}: {' or '.join(r['name'] for r in rows)}; {NOT_DETERMINED}")


def _score_phenotype(vocab: Vocabulary, gene: GeneVocabulary, score: float, at_least: bool) -> str | None:
    rows = vocab.phenotypes_from(gene, score, None if at_least else score)
    return rows[0]["name"] if len(rows) == 1 else None


def _score_text(fact: Fact | None) -> str:
    if fact is None or fact.score is None:
        return ""
    return f"{'≥' if fact.at_least else ''}{fact.score:g}"


def _agree(vocab: Vocabulary, resolved: ResolvedGene, gene: GeneVocabulary, call: Fact,
           phenotype: str | None, score: Fact | None) -> None:
    """A diplotype given with a phenotype or an activity score: they must agree. When the data
    cannot type the diplotype, the phenotype given is used (and said so)."""
    settled = resolved.determined and resolved.phenotype not in (None, INDETERMINATE)
    shown = resolved.diplotype or resolved.read_as
    if score is not None and score.score is not None:
        if resolved.activity_score is not None and not score.at_least and resolved.activity_score != score.score:
            raise InvalidInput(f"{gene.symbol}: {shown} gives activity score {resolved.activity_score:g} but "
                               f"{_score_text(score)} is given ({score.item.origin or 'the same input'})")
        from_score = _score_phenotype(vocab, gene, score.score, score.at_least)
        if settled and from_score and from_score != resolved.phenotype:
            raise InvalidInput(f"{gene.symbol}: {shown} is a {resolved.phenotype} but the activity score "
                               f"given ({_score_text(score)}) is a {from_score}")
        if not settled and from_score:
            _use_given(resolved, gene, from_score, f"activity score {_score_text(score)} given")
            settled = True
    if phenotype:
        if settled and phenotype != resolved.phenotype:
            raise InvalidInput(f"{gene.symbol}: {shown} is a {resolved.phenotype} in the loaded data, but the "
                               f"phenotype given is {phenotype}; give one of them (or correct the other)")
        if not settled:
            _use_given(resolved, gene, phenotype, f"phenotype {phenotype} given")


def _use_given(resolved: ResolvedGene, gene: GeneVocabulary, phenotype: str, how: str) -> None:
    why = resolved.reason or "the diplotype does not settle the phenotype"
    resolved.notes.append(f"{why}: the {how} is used")
    resolved.conditions = [c for c in resolved.conditions if not c.startswith("phenotype:")]
    _set_phenotype(resolved, gene, phenotype, f"{how} (the diplotype: {why})")
    resolved.reason, resolved.determined = None, True


def _check_advisory(vocab: Vocabulary, resolved: ResolvedGene, gene: GeneVocabulary, fact: Fact) -> None:
    """PharmCAT's own phenotype and score next to its call: a phenotype the loaded data know and
    that disagrees is a contradiction; a score that differs is noted."""
    if fact.kind == "phenotype" and fact.phenotype:
        settled = resolved.determined and resolved.phenotype not in (None, INDETERMINATE)
        if settled and fact.phenotype != resolved.phenotype:
            raise InvalidInput(f"{gene.symbol}: PharmCAT calls {resolved.read_as} a {fact.phenotype}, the loaded "
                               f"data a {resolved.phenotype}; give the phenotype to use with --genotype")
        if not settled:
            _use_given(resolved, gene, fact.phenotype, f"PharmCAT's phenotype {fact.phenotype}")
    elif fact.kind == "activity" and fact.score is not None and resolved.activity_score is not None \
            and fact.score != resolved.activity_score:
        resolved.notes.append(f"PharmCAT gives activity score {fact.score:g}; the loaded data's allele values "
                              f"give {resolved.activity_score:g}")


def _score_conditions(gene: GeneVocabulary, resolved: ResolvedGene) -> None:
    """The conditions rules keyed by activity score test.

    With a score: ``activity:GENE:<score>`` (and the tightest ``≥`` bound a rule names when none names
    the score itself; see ``pgxkg.vocab.activity_conditions``), plus PharmGKB's ``Activity Score 1.5``
    phenotype (DPWG's DPYD rows in the pinned snapshot). Without one, a known phenotype of a gene whose
    rules are keyed by score gives ``phenotype_only:GENE:<phenotype>``: it meets the rules of the scores
    that phenotype covers (several texts where the guideline's text depends on the score).
    """
    if resolved.activity_score is not None:
        resolved.conditions.append(condition(
            "phenotype", gene.symbol, f"Activity Score {float(resolved.activity_score)}"))
        resolved.conditions += activity_conditions(gene.symbol, resolved.activity_score, gene.exact_scores,
                                                   gene.score_floors)
    elif resolved.phenotype and resolved.phenotype != INDETERMINATE and gene.activity_values \
            and resolved.kind in ("phenotype", "diplotype"):
        resolved.conditions.append(condition("phenotype_only", gene.symbol, resolved.phenotype))


def _untypeable(alleles: list[dict]) -> str | None:
    """Why the data cannot type these alleles: unknown or uncertain function, if any."""
    unknown = sorted((a["id"] for a in alleles if not a.get("function") or "unknown" in str(a["function"]).lower()
                      or "uncertain" in str(a["function"]).lower()), key=natural_key)
    return f"{', '.join(unknown)}: unknown or uncertain function" if unknown else None


# --- presence genes (HLA) ---------------------------------------------------------------------

def _hla_without_rules(resolved: ResolvedGene, gene: GeneVocabulary, facts: list[Fact]) -> None:
    """An HLA gene no rule tests (HLA-C, HLA-DRB1...): its alleles are recorded, nothing derived."""
    calls = _distinct_calls(gene, [f for f in facts if f.kind == "call"])
    present = sorted({a.hla.group or a.hla.name for f in calls for a in f.alleles if a.hla})
    resolved.conditions += [condition("carrier", gene.symbol, allele_id(gene.symbol, g)) for g in present]
    if calls and len(calls[0].alleles) == 2:
        resolved.kind = "diplotype"
        resolved.diplotype = diplotype_id(gene.symbol, *(a.text() for a in calls[0].alleles))
    resolved.read_as = "; ".join(f"{gene.symbol}{'/'.join(a.text() for a in f.alleles)}" for f in calls) or None
    resolved.path.append(f"no rule tests {gene.symbol} alleles")


def _presence(resolved: ResolvedGene, gene: GeneVocabulary, facts: list[Fact]) -> None:
    """HLA: each allele a rule tests is positive, negative or not determined.

    An allele belongs to its two-field group (``*57:01:01:02`` is ``*57:01``); a lone allele is
    present and says nothing of the others; a diplotype names both copies, so a tested allele
    neither copy could be is negative; a negative at more fields than the group does not rule the
    group out (``*57:01:01 negative`` leaves ``*57:01`` open), and a higher-resolution positive never
    makes its group negative.
    """
    calls = [f for f in facts if f.kind == "call"]
    statuses = [f for f in facts if f.kind == "status"]
    present = [a.hla for f in calls for a in f.alleles if a.hla] + [f.hla for f in statuses if f.present and f.hla]
    negatives = [f.hla for f in statuses if f.present is False and f.hla]
    complete = [f for f in calls if len(f.alleles) == 2]
    _consistent_calls(gene, complete)
    for status_id in sorted(gene.status_alleles):
        tested = notation.hla(status_id[len(gene.symbol):])
        if tested is None:
            continue
        positive = [a for a in present if a.group and notation.hla(a.group) == tested]
        ruled_out = [n for n in negatives if len(n.fields) <= len(tested.fields) and tested.could_be(n)] + \
            [f for f in complete if not any(a.hla and a.hla.could_be(tested) for a in f.alleles)]
        if positive and ruled_out:
            raise InvalidInput(f"{gene.symbol}: {status_id} is given as both present "
                               f"({', '.join(a.name for a in positive)}) and absent")
        if positive:
            resolved.allele_status[status_id] = "positive"
            resolved.conditions.append(condition("positive", gene.symbol, status_id))
        elif ruled_out:
            resolved.allele_status[status_id] = "negative"
            resolved.conditions.append(condition("negative", gene.symbol, status_id))
        else:
            resolved.allele_status[status_id] = NOT_DETERMINED
    groups = sorted({a.group or a.name for a in present})
    resolved.conditions += [condition("carrier", gene.symbol, allele_id(gene.symbol, g)) for g in groups]
    resolved.kind = "diplotype" if complete else ("allele" if calls else "status")
    if complete:
        alleles = complete[0].alleles
        resolved.diplotype = diplotype_id(gene.symbol, *(a.text() for a in alleles))
        resolved.path.append(f"diplotype {resolved.diplotype}")
    finer = sorted({a.name for a in present if a.group and a.group != a.name})
    if finer:
        resolved.notes.append("read at two fields for the rules: "
                              + ", ".join(f"{n} is {notation.hla(n).group}" for n in finer  # type: ignore[union-attr]
                                          if notation.hla(n)))
    open_ = [a for a, s in resolved.allele_status.items() if s == NOT_DETERMINED]
    positives = [a for a, s in resolved.allele_status.items() if s == "positive"]
    resolved.phenotype = ", ".join(f"{a} positive" for a in positives) or (
        "no tested risk allele" if not open_ else None)
    resolved.read_as = "; ".join(
        [f"{gene.symbol}{'/'.join(a.text() for a in f.alleles)}" for f in calls]
        + [f"{gene.symbol}{f.hla.name} {'positive' if f.present else 'negative'}" for f in statuses if f.hla])
    resolved.path.append(", ".join(f"{a} {s}" for a, s in resolved.allele_status.items()))
    if open_:
        resolved.determined = False
        resolved.reason = (f"{', '.join(open_)}: not determined by what was given (a lone allele or a "
                           "higher-resolution negative says nothing of them)")


def _consistent_calls(gene: GeneVocabulary, calls: list[Fact]) -> None:
    """Two HLA diplotypes agree when one may be the other at a finer resolution."""
    for other in calls[1:]:
        a, b = [x.hla for x in calls[0].alleles], [x.hla for x in other.alleles]
        if None in a or None in b:
            continue
        straight = all(x.could_be(y) for x, y in zip(a, b, strict=True))  # type: ignore[union-attr]
        crossed = all(x.could_be(y) for x, y in zip(a, reversed(b), strict=True))  # type: ignore[union-attr]
        if not (straight or crossed):
            raise InvalidInput(f"{gene.symbol} is given twice with different diplotypes: "
                               f"{'/'.join(x.text() for x in calls[0].alleles)} and "
                               f"{'/'.join(x.text() for x in other.alleles)}")


# --- shared -----------------------------------------------------------------------------------

def _set_phenotype(resolved: ResolvedGene, gene: GeneVocabulary, name: str, step: str) -> None:
    resolved.phenotype = name
    resolved.conditions.append(condition("phenotype", gene.symbol, name))
    resolved.path.append(step)


def _indeterminate(resolved: ResolvedGene, gene: GeneVocabulary, reason: str) -> None:
    resolved.reason = reason
    _set_phenotype(resolved, gene, INDETERMINATE, f"{INDETERMINATE}: {reason}")
