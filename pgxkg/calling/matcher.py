"""Find the diplotypes whose allele definitions explain a sample's genotypes (PharmCAT's method).

Each allele scores the number of read positions its definition pins down; the
reference allele pins them all. A diplotype is possible when, at every read
position, its two alleles carry exactly the two observed alleles (in the observed
order within a phase set); its score is the sum of its alleles' scores. The
best-scoring diplotypes are the call: one is a call, several are reported as a tie,
none is "no match" - never a guess. Missing positions are dropped, as PharmCAT does,
and the report says which alleles they leave untested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations_with_replacement

from pgxkg.calling.definitions import GeneDefinition
from pgxkg.calling.normalize import REF
from pgxkg.vocab import natural_key

MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Observation:
    """The alleles seen at one site: two tokens (diploid) or one (haploid), with phase."""

    alleles: tuple[str, ...]
    phased: bool = False
    phase_set: str | None = None

    @property
    def het(self) -> bool:
        return len(self.alleles) == 2 and self.alleles[0] != self.alleles[1]


@dataclass
class Candidate:
    alleles: tuple[str, ...]
    score: int

    @property
    def name(self) -> str:
        return "/".join(self.alleles)


@dataclass
class GeneCall:
    gene: str
    status: str  # called | ambiguous | no_match | not_called
    candidates: list[Candidate] = field(default_factory=list)
    best: list[Candidate] = field(default_factory=list)
    read: list[str] = field(default_factory=list)  # site keys with a genotype
    missing: dict[str, str] = field(default_factory=dict)  # site key -> why
    untested: dict[str, list[str]] = field(default_factory=dict)  # allele -> missing site keys it needs
    unexplained: list[str] = field(default_factory=list)  # site keys with a non-reference allele
    explanation: list[str] = field(default_factory=list)
    haploid: bool = False

    @property
    def diplotype(self) -> tuple[str, ...] | None:
        """The call passed on to the risk query: the single best diplotype, if there is one."""
        return self.best[0].alleles if self.status == "called" else None


def _order(definition: GeneDefinition, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(names, key=lambda n: (n != definition.reference, natural_key(n))))


def _fits_pair(a: dict[str, str], b: dict[str, str], sites: set[str],
               observed: dict[str, Observation]) -> bool:
    orientation: dict[str | None, bool] = {}
    for key in sites:
        obs = observed[key]
        first, second = a.get(key, REF), b.get(key, REF)
        if sorted((first, second)) != sorted(obs.alleles):
            return False
        if obs.phased and obs.het:
            straight = (first, second) == obs.alleles
            if orientation.setdefault(obs.phase_set, straight) != straight:
                return False
    return True


def match(definition: GeneDefinition, observed: dict[str, Observation],
          missing: dict[str, str] | None = None) -> GeneCall:
    """Call one gene from the observations at its sites (``observed`` holds only read sites)."""
    missing = dict(missing or {})
    for key in definition.sites:
        if key not in observed and key not in missing:
            missing[key] = "not in the VCF"
    call = GeneCall(definition.gene, "no_match", read=sorted(observed, key=lambda k: definition.sites[k].pos),
                    missing=dict(sorted(missing.items(), key=lambda kv: definition.sites[kv[0]].pos)))
    call.explanation += definition.notes
    if not observed:
        call.status = "not_called"
        call.explanation.append(f"none of its {len(definition.sites)} defining positions is in the VCF")
        return call
    ploidies = {len(o.alleles) for o in observed.values()}
    if len(ploidies) > 1:
        call.status = "not_called"
        call.explanation.append("the VCF mixes haploid and diploid genotypes in this gene; not called")
        return call
    call.haploid = ploidies == {1}
    read = set(observed)
    effective: dict[str, dict[str, str]] = {}
    for name, tokens in definition.alleles.items():
        own = definition.own_sites(name)
        lost = sorted(k for k in own if k not in read)
        if lost:
            call.untested[name] = lost
        if own - set(lost):  # an allele none of whose own positions was read cannot be matched
            effective[name] = {k: v for k, v in tokens.items() if k in read}
    call.unexplained = [k for k in call.read if any(a != REF for a in observed[k].alleles)]
    nonref_everywhere = {k for k in read if REF not in observed[k].alleles}
    het = {k for k in read if observed[k].het}
    possible: dict[str, dict[str, str]] = {}
    if not nonref_everywhere:
        possible[definition.reference or ""] = {}
    for name, tokens in effective.items():
        if nonref_everywhere <= tokens.keys() and all(v in observed[k].alleles for k, v in tokens.items()):
            possible[name] = tokens
    scores = {name: (len(read) if name == definition.reference else len(tokens))
              for name, tokens in possible.items()}
    found: list[Candidate] = []
    if call.haploid:
        for name, tokens in possible.items():
            if _fits_pair(tokens, tokens, read, {k: Observation(o.alleles * 2) for k, o in observed.items()}):
                found.append(Candidate((name,), scores[name]))
    else:
        for first, second in combinations_with_replacement(sorted(possible), 2):
            a, b = possible[first], possible[second]
            sites = het | a.keys() | b.keys()
            if _fits_pair(a, b, sites, observed) or _fits_pair(b, a, sites, observed):
                found.append(Candidate(_order(definition, (first, second)), scores[first] + scores[second]))
    found.sort(key=lambda c: (-c.score, [natural_key(n) for n in c.alleles]))
    call.candidates = found[:MAX_CANDIDATES]
    if found:
        top = found[0].score
        call.best = [c for c in found if c.score == top]
        call.status = "called" if len(call.best) == 1 else "ambiguous"
    _explain(definition, call, observed)
    return call


def _explain(definition: GeneDefinition, call: GeneCall, observed: dict[str, Observation]) -> None:
    label = {k: s.label for k, s in definition.sites.items()}
    variants = [label[k] for k in call.unexplained]
    seen = f"non-reference alleles at {', '.join(variants)}" if variants else "only reference alleles"
    call.explanation.append(f"read {len(call.read)} of {len(definition.sites)} defining positions; {seen}")
    if call.status == "no_match":
        call.explanation.append(
            "no pair of known alleles explains these genotypes (a novel combination, an allele we lack, "
            "or a variant outside the definitions): not called")
    elif call.status == "called":
        best = call.best[0]
        carried = [a for a in best.alleles if a != definition.reference]
        call.explanation.append(
            f"{best.name} explains every read position (score {best.score})"
            + (f"; {', '.join(carried)} defined by " + "; ".join(
                f"{a}: {', '.join(label[k] for k in definition.alleles[a] if k in observed)}"
                for a in dict.fromkeys(carried)) if carried else ""))
        others = [c.name for c in call.candidates[1:]]
        if others:
            call.explanation.append(f"also consistent but less specific: {', '.join(others)}"
                                    + ("; phased data would tell them apart"
                                       if any(o.het and not o.phased for o in observed.values()) else ""))
    else:
        names = ", ".join(c.name for c in call.best)
        blamed = sorted({k for c in call.best for a in c.alleles for k in call.untested.get(a, [])},
                        key=lambda k: definition.sites[k].pos)
        why = (f"the missing position(s) {', '.join(label[k] for k in blamed)} would tell them apart"
               if blamed else "their definitions cannot be told apart at the read positions")
        call.explanation.append(f"{len(call.best)} diplotypes explain the genotypes equally well "
                                f"({names}, score {call.best[0].score}): {why}; not called")
    if call.missing:
        untested = sorted((a for a, keys in call.untested.items() if len(keys) == len(definition.own_sites(a))),
                          key=natural_key)
        text = f"{len(call.missing)} defining position(s) missing from the VCF"
        if untested:
            text += f"; alleles that could not be tested at all: {', '.join(untested[:20])}"
            text += f" (+{len(untested) - 20} more)" if len(untested) > 20 else ""
        call.explanation.append(text + "; they are left out of the match, as PharmCAT does")
