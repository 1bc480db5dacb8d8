"""Find the diplotypes whose allele definitions explain a sample's genotypes: PharmCAT's Named
Allele Matcher, as its documentation (Named Allele Matcher 101/201, Gene Definition Exceptions)
describes it, plus what the data leaves open.

**The call (what PharmCAT reports).** Every named allele is its definition with the reference
allele's code wherever it names none; an IUPAC code (``R`` = A or G) allows each allele it stands
for. Positions missing from the VCF are dropped, and an allele whose definition then names no
position is dropped with them. An allele scores the number of read positions its definition names
(the reference allele: all of them). A diplotype is possible when its two alleles can be laid on
the two chromosomes so that, at every read position, each carries the allele read there: an
unphased heterozygous position may go either way, positions phased without a phase set keep their
order, and the positions of one phase set (PS) flip together. The best score is the call; several
are a tie, which is reported as such, never as one of them. Exemptions (PharmCAT's
``exemptions.json``): alleles and positions left out, positions without which no call is made
(NAT2), and for unphased NAT2 data the documented pick among diplotypes that cannot be told apart.
DPYD follows PharmCAT's lowest-function rules: phased (or effectively phased: at most one
heterozygous choice) data gets the diplotype (variants on one strand combined as ``[a + b]``);
otherwise the variants found are listed and the two with the lowest activity value make the
diplotype the phenotype is looked up with (CPIC: two decreased/no function variants are presumed
on different gene copies). A variant no definition names at a defining position means no call,
except for the genes PharmCAT sets it to reference for (CACNA1S, DPYD, G6PD, NUDT15, RYR1, TPMT).

**What stays open.** A call is certain only when nothing is missing: otherwise ``possible`` lists
every diplotype that would be the call for some genotype at the missing positions (each candidate
is tried with the missing positions filled from its own alleles), ``untested`` the alleles no read
position could show, and ``pending`` the positions whose result would settle it. A half call
(``./1``) is no call, as in PharmCAT, but constrains ``possible``: one chromosome carries the allele.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations_with_replacement

from pgxkg.calling.definitions import GeneDefinition, NamedAllele
from pgxkg.calling.vcf import Entry, Missing, Observed
from pgxkg.vocab import natural_key

MAX_CANDIDATES = 20  # consistent diplotypes listed per call
MAX_POSSIBLE = 64  # diplotypes handed to the risk layer; more are reported as too many to list
MAX_PAIRS = 4000  # pairs tried when working out what missing data leaves possible
FILL_BUDGET = 3_000_000  # allele x position checks spent on that per call; beyond it: "too many to list"
MEMO_SIZE = 20_000  # calls remembered per gene (samples with the same genotypes share one call)


@dataclass(frozen=True)
class Candidate:
    alleles: tuple[str, ...]
    score: int

    @property
    def name(self) -> str:
        return "/".join(self.alleles)


@dataclass
class GeneCall:
    gene: str
    source: str
    status: str = "no_match"  # called | ambiguous | variants | no_match | not_called
    reported: list[Candidate] = field(default_factory=list)  # the call (several: a tie)
    candidates: list[Candidate] = field(default_factory=list)  # every consistent diplotype, best first
    possible: list[tuple[str, ...]] = field(default_factory=list)  # still possible given what is missing
    possible_truncated: bool = False
    pending: str | None = None  # what result would settle it
    read: list[int] = field(default_factory=list)  # position indexes with a genotype
    missing: dict[int, str] = field(default_factory=dict)  # position index -> why
    untested: list[str] = field(default_factory=list)  # alleles no read position could show
    conflicts: list[int] = field(default_factory=list)
    half_calls: list[int] = field(default_factory=list)
    undocumented: list[int] = field(default_factory=list)
    variants_found: list[str] = field(default_factory=list)  # lowest-function genes, unphased
    lookup: tuple[str, ...] | None = None  # the diplotype the phenotype is looked up with
    priority_options: list[tuple[str, ...]] = field(default_factory=list)  # an unphased pick's alternatives
    explanation: list[str] = field(default_factory=list)
    haploid: bool = False

    @property
    def diplotype(self) -> tuple[str, ...] | None:
        """The single call, or for lowest-function genes the diplotype the phenotype follows."""
        if self.lookup is not None and self.status in ("called", "variants"):
            return self.lookup
        return self.reported[0].alleles if self.status == "called" else None

    @property
    def certain(self) -> bool:
        """Called, and nothing missing could change it."""
        return self.diplotype is not None and not self.possible_truncated and len(self.possible) <= 1


# --- the sample's data as bit masks over the gene's positions ------------------------------------


@dataclass
class _Data:
    """Observations at the read positions, and which alleles match which chromosome where."""

    definition: GeneDefinition
    observed: dict[int, Observed]

    def __post_init__(self) -> None:
        self.read_mask = sum(1 << i for i in self.observed)
        self.haploid = all(len(o.alleles) == 1 for o in self.observed.values())
        self.hom = 0
        self.fixed = 0  # heterozygous, phased without a phase set: strand order as written
        units: dict[object, int] = {}
        for i, o in self.observed.items():
            if self.haploid or (not o.het and None not in o.alleles):
                self.hom |= 1 << i
            elif o.phased and o.phase_set is None:
                self.fixed |= 1 << i
            else:
                key = ("ps", o.phase_set) if o.phased else ("pos", i)
                units[key] = units.get(key, 0) | 1 << i
        self.units = list(units.values())
        self._masks: dict[str, tuple[int, int]] = {}
        index = _index(self.definition)
        everyone = (1 << len(self.definition.alleles)) - 1
        viable = everyone
        for i, o in self.observed.items():
            allowing = index.allowing[i]
            either = 0
            for allele in set(o.alleles):
                either |= everyone if allele is None else allowing.get(allele, 0) | index.unknown[i]
            viable &= either
            if not viable:
                break
        self.viable_set = viable

    @property
    def permutations(self) -> int:
        """How many chromosome sequences the data allows (PharmCAT's 'effectively phased': <= 2)."""
        if self.haploid or (not self.units and not self.fixed):
            return 1
        return 2 ** (len(self.units) + (1 if self.fixed else 0)) if self.units else 2

    def masks(self, allele: NamedAllele) -> tuple[int, int]:
        """Positions where the allele allows the first / the second allele read (unknown matches)."""
        hit = self._masks.get(allele.name)
        if hit is None:
            filled = self.definition.filled()[allele.name]
            first = second = 0
            for i, o in self.observed.items():
                allowed = filled[i]
                a0 = o.alleles[0]
                a1 = o.alleles[-1]
                if allowed is None or a0 is None or a0 in allowed:
                    first |= 1 << i
                if allowed is None or a1 is None or a1 in allowed:
                    second |= 1 << i
            hit = self._masks[allele.name] = (first, second)
        return hit

    def viable(self, allele: NamedAllele) -> bool:
        """Whether the allele allows one of the alleles read at every read position."""
        return bool(self.viable_set >> _index(self.definition).order[allele.name] & 1)

    def pair(self, a: NamedAllele, b: NamedAllele) -> bool:
        a0, a1 = self.masks(a)
        b0, b1 = self.masks(b)
        if (a0 & b0) & self.hom != self.hom:
            return False
        straight, crossed = a0 & b1, a1 & b0
        # Phased positions keep their order, but either allele may be the first chromosome.
        if straight & self.fixed != self.fixed and crossed & self.fixed != self.fixed:
            return False
        return all(straight & unit == unit or crossed & unit == unit for unit in self.units)

    def score(self, allele: NamedAllele) -> int:
        if allele.reference:
            return len(self.observed)
        return (_index(self.definition).defined[allele.name] & self.read_mask).bit_count()


@dataclass
class _Index:
    """Per gene, computed once: which alleles allow each VCF allele at each position (bit sets over
    the gene's alleles), and which positions each allele's definition names."""

    order: dict[str, int]
    allowing: list[dict[str, int]]
    unknown: list[int]  # alleles with nothing known at the position (they allow anything)
    defined: dict[str, int]
    known: list[frozenset[str | None]]  # the VCF alleles the position's definition names (and unknown)


def _bits(value: int) -> list[int]:
    out = []
    while value:
        low = value & -value
        out.append(low.bit_length() - 1)
        value ^= low
    return out


def _index(definition: GeneDefinition) -> _Index:
    index = definition.__dict__.get("_index")
    if index is None:
        filled = definition.filled()
        order = {a.name: n for n, a in enumerate(definition.alleles)}
        allowing: list[dict[str, int]] = [{} for _ in definition.positions]
        unknown = [0] * len(definition.positions)
        for allele in definition.alleles:
            bit = 1 << order[allele.name]
            for i, allowed in enumerate(filled[allele.name]):
                if allowed is None:
                    unknown[i] |= bit
                    continue
                for value in allowed:
                    allowing[i][value] = allowing[i].get(value, 0) | bit
        defined = {a.name: sum(1 << i for i, c in enumerate(a.codes) if c is not None) for a in definition.alleles}
        known = [frozenset({*p.alleles, None}) for p in definition.positions]
        index = definition.__dict__["_index"] = _Index(order, allowing, unknown, defined, known)
    return index


def _order(definition: GeneDefinition, names: tuple[str, ...]) -> tuple[str, ...]:
    reference = definition.reference
    return tuple(sorted(names, key=lambda n: (n != reference, natural_key(n))))


def _pairs(data: _Data, alleles: list[NamedAllele], scores: dict[str, int]) -> list[Candidate]:
    """Every consistent diplotype (haploid: allele), best score first, sub-alleles shown as their parent."""
    best: dict[tuple[str, ...], int] = {}
    definition = data.definition
    if data.haploid:
        for allele in alleles:
            key = (allele.shown,)
            best[key] = max(best.get(key, -1), scores[allele.name])
    else:
        for a, b in combinations_with_replacement(alleles, 2):
            if data.pair(a, b):
                key = _order(definition, (a.shown, b.shown))
                best[key] = max(best.get(key, -1), scores[a.name] + scores[b.name])
    found = [Candidate(k, s) for k, s in best.items()]
    found.sort(key=lambda c: (-c.score, [natural_key(n) for n in c.alleles]))
    return found


# --- the call --------------------------------------------------------------------------------------


def match(definition: GeneDefinition, entries: tuple[Entry, ...]) -> GeneCall:
    """Call one gene from its entries (one per defining position, as ``vcf.read_vcf`` gives them)."""
    memo = definition.__dict__.setdefault("_memo", {})
    call = memo.get(entries)
    if call is None:
        call = _match(definition, entries)
        if len(memo) < MEMO_SIZE:
            memo[entries] = call
    return call


def _match(definition: GeneDefinition, entries: tuple[Entry, ...]) -> GeneCall:
    call = GeneCall(definition.gene, definition.source)
    call.explanation += definition.notes
    positions = definition.positions
    observed: dict[int, Observed] = {}
    for i, entry in enumerate(entries):
        if i in definition.ignored:
            continue
        if isinstance(entry, Missing):
            call.missing[i] = entry.reason
            if entry.conflict:
                call.conflicts.append(i)
        else:
            observed[i] = entry
    call.read = sorted(observed)
    if not observed:
        call.status = "not_called"
        call.explanation.append(f"none of its {len(positions)} defining positions is in the VCF")
        return call
    if len({len(o.alleles) for o in observed.values()}) > 1:
        call.status = "not_called"
        call.explanation.append("the VCF mixes haploid and diploid genotypes in this gene; not called")
        return call
    known = _index(definition).known
    for i, o in list(observed.items()):
        if not known[i].issuperset(o.alleles):
            if definition.undocumented_as_reference:
                observed[i] = Observed(tuple(a if a is None or a in positions[i].alleles else positions[i].ref
                                             for a in o.alleles), o.phased, o.phase_set)
                call.explanation.append(f"{positions[i].label}: an allele no definition names "
                                        f"({'/'.join(str(a).lstrip('?') for a in o.alleles)}) is read as the "
                                        "reference, as PharmCAT does for this gene")
            else:
                call.undocumented.append(i)
    call.half_calls = [i for i, o in observed.items() if None in o.alleles]
    data = _Data(definition, observed)
    call.haploid = data.haploid
    alleles = [definition.alleles[n] for n in _bits(data.viable_set)]
    scores = {a.name: data.score(a) for a in alleles}
    scored = [a for a in alleles if scores[a.name] > 0]
    defined = _index(definition).defined
    call.untested = sorted({a.shown for a in definition.alleles if not a.reference and defined[a.name]
                            and not defined[a.name] & data.read_mask}, key=natural_key)
    missing_required = sorted(definition.required - set(observed) - definition.ignored)
    if call.undocumented:
        call.explanation.append(
            "no call: " + ", ".join(positions[i].label for i in call.undocumented) + " carries an allele no "
            "definition names (a novel or unlisted variant)")
    elif missing_required:
        call.status = "not_called"
        call.explanation.append("no call: PharmCAT needs " + ", ".join(positions[i].label for i in missing_required)
                                + " for this gene, and the VCF lacks it")
    elif call.half_calls and definition.gene != "DPYD":
        call.status = "not_called"
        call.explanation.append("no call: half call(s) at " + ", ".join(positions[i].label for i in call.half_calls)
                                + " (one allele unknown), as PharmCAT")
    else:
        call.candidates = _pairs(data, scored, scores)
        _decide(call, definition, data, scored, scores)
    if not call.undocumented and (call.status != "not_called" or call.half_calls):
        _possible(call, definition, data, alleles)
    elif call.status == "not_called" and missing_required:
        call.pending = "a result at " + ", ".join(positions[i].label for i in missing_required)
    if definition.lowest_function and call.status == "no_match" and not call.undocumented:
        _variants(call, definition, data, scored)
        call.status = "no_match"
    _explain(call, definition)
    call.candidates = call.candidates[:MAX_CANDIDATES]
    return call


def _decide(call: GeneCall, definition: GeneDefinition, data: _Data, alleles: list[NamedAllele],
            scores: dict[str, int]) -> None:
    found = call.candidates
    if definition.gene == "DPYD":
        _dpyd(call, definition, data, alleles)
        return
    if not found:
        return
    top = found[0].score
    call.reported = [c for c in found if c.score == top]
    if len(found) > 1 and definition.priorities and not data.haploid and data.permutations > 2:
        # PharmCAT's unphased priorities look at every consistent diplotype, not only the best scores.
        names = {frozenset(c.alleles) for c in found}
        for options, pick in sorted(definition.priorities, key=lambda p: sorted(p[0])):
            wanted = {frozenset(d.split("/")) for d in options}
            if wanted <= names:
                chosen = next(c for c in found if frozenset(c.alleles) == frozenset(pick.split("/")))
                call.explanation.append(f"unphased {definition.gene}: {', '.join(sorted(options))} cannot be told "
                                        f"apart; PharmCAT's documented pick is {pick} (by frequency)")
                call.reported = [chosen]
                call.priority_options = [c.alleles for c in found if frozenset(c.alleles) in wanted]
                break
    call.status = "called" if len(call.reported) == 1 else "ambiguous"


def _dpyd(call: GeneCall, definition: GeneDefinition, data: _Data, alleles: list[NamedAllele]) -> None:
    """PharmCAT's DPYD: a diplotype from (effectively) phased data, else the variants found."""
    if data.permutations <= 2:
        found = call.candidates
        top = [c for c in found if found and c.score == found[0].score]
        if len(top) == 1:
            call.reported, call.status = top, "called"
            return
        strands = _strands(definition, data, alleles)
        if strands:
            shown, call.lookup = strands
            call.reported, call.status = [Candidate(shown, 0)], "called"
            call.explanation.append(f"phased DPYD: the phenotype follows the lowest-function variant on each "
                                    f"chromosome ({'/'.join(call.lookup)})")
            return
    _variants(call, definition, data, alleles)
    if call.variants_found:
        call.status = "variants"


def _present(definition: GeneDefinition, data: _Data, alleles: list[NamedAllele]) -> list[tuple[NamedAllele, int]]:
    """Non-reference alleles whose defining variants the sample carries, with copies (maximal ones:
    an allele whose variants are all part of a larger one found is counted only for what is left)."""
    copies: dict[int, int] = {}
    for i, o in data.observed.items():
        copies[i] = sum(1 for a in o.alleles if a is not None and a != definition.positions[i].ref)
    filled = definition.filled()
    out = []
    for allele in sorted(alleles, key=lambda a: -sum(c is not None for c in a.codes)):
        own = [i for i, c in enumerate(allele.codes) if c is not None and i in data.observed
               and definition.positions[i].ref not in (filled[allele.name][i] or ())]
        if allele.reference or not own:
            continue
        count = min(copies[i] for i in own)
        if count > 0 and all(any(a in (filled[allele.name][i] or ()) for a in data.observed[i].alleles) for i in own):
            out.append((allele, count))
            for i in own:
                copies[i] -= count
    return out


def _strands(definition: GeneDefinition, data: _Data,
             alleles: list[NamedAllele]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Phased data: the named alleles on each chromosome, combined as PharmCAT writes them, and the
    lowest-function one of each (what the phenotype is looked up with)."""
    if data.haploid or data.units:
        return None
    names, lowest = [], []
    reference = definition.reference or "Reference"
    for strand in (0, 1):
        single = {i: Observed((o.alleles[strand],)) for i, o in data.observed.items()}
        found = [a for a, _ in _present(definition, _Data(definition, single), alleles)]
        shown = sorted((a.shown for a in found), key=natural_key)
        names.append(shown[0] if len(shown) == 1 else f"[{' + '.join(shown)}]" if shown else reference)
        ranked = sorted(found, key=lambda a: (a.activity if a.activity is not None else 1.0, natural_key(a.shown)))
        lowest.append(ranked[0].shown if ranked else reference)
    return _order(definition, tuple(names)), _order(definition, tuple(lowest))


def _variants(call: GeneCall, definition: GeneDefinition, data: _Data, alleles: list[NamedAllele]) -> None:
    """Lowest-function genes without a diplotype: the variants found, and the lookup diplotype made of
    the two with the lowest activity value (CPIC's rule for DPYD)."""
    found = _present(definition, data, alleles)
    listed = [a for a, count in found for _ in range(count)]
    call.variants_found = sorted((a.shown for a in listed), key=natural_key)
    if not listed or definition.gene != "DPYD":
        return
    ranked = sorted(listed, key=lambda a: (a.activity if a.activity is not None else 1.0, natural_key(a.shown)))
    lowest = [a.shown for a in ranked[:2]]
    if len(lowest) == 1:
        lowest.append(definition.reference or "Reference")
    call.lookup = _order(definition, tuple(lowest))
    call.explanation.append(
        f"unphased DPYD with several variants: found {', '.join(call.variants_found)}; the phenotype follows the "
        f"two with the lowest activity value ({'/'.join(call.lookup)}), presumed on different gene copies (CPIC)")


# --- what the missing data leaves open ------------------------------------------------------------------


def _completed(definition: GeneDefinition, data: _Data, a: NamedAllele, b: NamedAllele) -> dict[int, Observed]:
    """The observations with every missing position (and half call) filled from the pair's own alleles."""
    filled = definition.filled()
    out = dict(data.observed)

    def concrete(name: str, i: int) -> str:
        allowed = filled[name][i]
        ref = definition.positions[i].ref
        return ref if allowed is None or ref in allowed else sorted(allowed)[0]

    for i in range(len(definition.positions)):
        if i in definition.ignored:
            continue
        o = out.get(i)
        if o is None:
            out[i] = Observed((concrete(a.name, i), concrete(b.name, i)))
        elif None in o.alleles:
            known = next(x for x in o.alleles if x is not None)
            first, second = concrete(a.name, i), concrete(b.name, i)
            if known in (filled[a.name][i] or ()):
                first = known
            else:
                second = known
            out[i] = Observed((first, second))
    return out


def _possible(call: GeneCall, definition: GeneDefinition, data: _Data, alleles: list[NamedAllele]) -> None:
    """Which diplotypes the data leaves possible, and what result would settle it."""
    open_positions = set(call.missing) | set(call.half_calls)
    certain = (call.status in ("called", "variants") and not open_positions and call.diplotype is not None
               and not call.priority_options)
    if certain or data.haploid:
        call.possible = [call.diplotype] if call.diplotype else [c.alleles for c in call.reported]
        if data.haploid and open_positions and len(call.reported) == 1:
            call.possible = [c.alleles for c in call.reported]
        return
    reported = [c.alleles for c in call.reported] if call.status != "variants" else [call.lookup] if call.lookup \
        else []
    keep: dict[tuple[str, ...], None] = dict.fromkeys(reported + call.priority_options)
    budget = max(20, FILL_BUDGET // max(1, len(definition.alleles) * len(definition.positions)))
    tried = 0
    for a, b in combinations_with_replacement(alleles, 2):
        if not data.pair(a, b):
            continue
        tried += 1
        if tried > min(MAX_PAIRS, budget):
            call.possible_truncated = True
            break
        key = _order(definition, (a.shown, b.shown))
        if key in keep:
            continue
        if _top_when_filled(definition, data, a, b):
            keep[key] = None
    possible = list(keep)
    call.possible_truncated = call.possible_truncated or len(possible) > MAX_POSSIBLE
    call.possible = possible[:MAX_POSSIBLE]
    call.pending = _pending(call, definition, data)


def _top_when_filled(definition: GeneDefinition, data: _Data, a: NamedAllele, b: NamedAllele) -> bool:
    """Whether the pair would be (among) PharmCAT's best call had the missing positions been read as
    the pair itself carries them."""
    full = _Data(definition, _completed(definition, data, a, b))
    viable = [definition.alleles[n] for n in _bits(full.viable_set)]
    scores = {x.name: full.score(x) for x in viable}
    target = scores.get(a.name, 0) + scores.get(b.name, 0)
    if a.name not in scores or b.name not in scores:
        return False
    scored = [x for x in viable if scores[x.name] > 0]
    best = max((scores[x.name] + scores[y.name] for x, y in combinations_with_replacement(scored, 2)
                if scores[x.name] + scores[y.name] > target and full.pair(x, y)), default=None)
    return best is None


def _pending(call: GeneCall, definition: GeneDefinition, data: _Data) -> str | None:
    if len(call.possible) <= 1 and not call.possible_truncated:
        return None
    filled = definition.filled()
    by_name = {a.name: a for a in definition.alleles}
    shown = {}
    for a in definition.alleles:
        shown.setdefault(a.shown, a)
    deciding = []
    for i in sorted(set(call.missing) | set(call.half_calls)):
        genotypes = set()
        for names in call.possible:
            alleles = [by_name.get(n) or shown.get(n) for n in names]
            genotypes.add(tuple(sorted(",".join(sorted(filled[x.name][i] or ())) for x in alleles if x)))
        if len(genotypes) > 1:
            deciding.append(definition.positions[i].label)
    if deciding:
        more = f" (+{len(deciding) - 12} more)" if len(deciding) > 12 else ""
        return "a result at " + ", ".join(deciding[:12]) + more
    if data.units:
        return "phased genotypes (which variants share a chromosome)"
    return "a test that separates them (the defining positions read cannot)"


def _explain(call: GeneCall, definition: GeneDefinition) -> None:
    label = [p.label for p in definition.positions]
    call.explanation.append(f"definitions: {definition.source}; read {len(call.read)} of "
                            f"{len(definition.positions)} defining positions")
    if call.status == "called":
        best = call.reported[0]
        others = [c.name for c in call.candidates if c.alleles != best.alleles][:5]
        text = f"{best.name} explains every read position (score {best.score})"
        if others:
            text += f"; also consistent but less specific: {', '.join(others)}"
        call.explanation.append(text)
    elif call.status == "ambiguous":
        call.explanation.append(f"{len(call.reported)} diplotypes explain the genotypes equally well "
                                f"({', '.join(c.name for c in call.reported[:10])}): a tie, not called")
    elif call.status == "no_match" and not call.undocumented:
        call.explanation.append("no pair of known alleles explains these genotypes (a novel combination, an "
                                "allele the definitions lack, or a variant outside them): not called")
    if call.missing:
        text = f"{len(call.missing)} defining position(s) missing"
        if call.untested:
            text += f"; alleles no read position could show: {', '.join(call.untested[:15])}"
            text += f" (+{len(call.untested) - 15} more)" if len(call.untested) > 15 else ""
        call.explanation.append(text)
    if call.conflicts:
        call.explanation.append("conflicting records: " + "; ".join(
            f"{label[i]}: {call.missing[i]}" for i in call.conflicts))
    if len(call.possible) > 1 or call.possible_truncated:
        many = " (and more: too many to list)" if call.possible_truncated else ""
        call.explanation.append(f"not certain: {len(call.possible)} diplotypes remain possible{many}"
                                + (f"; {call.pending} would settle it" if call.pending else ""))
