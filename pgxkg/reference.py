"""Reference data: what every answer reads that does not depend on the request.

The genotype vocabulary, the recommendation rules, the sources' releases and dates, recommendation
texts and guidelines,
per-drug evidence, diplotype -> phenotype rows and the allele definitions VCF calling
uses, all read from one state of the graph. A ``ReferenceCache`` is owned by whoever
runs the app (the API keeps one in ``app.state``; a CLI command makes its own) and is
replaced as a whole: after a build (``replace()``), or once it is ``ttl`` seconds old, so a
build run by another process is seen too. An answer takes one ``ReferenceData`` snapshot
and reads only from it, so it never mixes two builds.
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Any

from pgxkg.calling.definitions import Definitions
from pgxkg.calling.definitions import load as load_definitions
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.graph.status import data_sources
from pgxkg.queries.rules import RuleIndex
from pgxkg.queries.vocabulary import Vocabulary

TTL_SECONDS = 300.0


class ReferenceData:
    """One consistent load. The vocabulary and the rules are read at once (a few aggregate
    queries); texts, evidence, diplotype rows and allele definitions are read on first use and
    kept, so a batch of genotypes costs at most one extra round trip per kind."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.vocabulary = Vocabulary.load(graph)
        self.rules = RuleIndex.load(graph)
        self.data: list[dict[str, Any]] = [
            {"source": s.source, "release": s.release, "date": s.date} for s in data_sources(graph)]
        """Every source the graph was built from, with its release and date (every answer names them)."""
        self.loaded_at = time.monotonic()
        self._diplotypes: dict[str, dict[str, Any]] = {}
        self._recommendations: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {}
        self._drug_evidence: dict[str, dict[str, Any]] = {}
        self._definitions: Definitions | None = None
        self._drug_genes: dict[str, dict[str, str]] | None = None
        self._drug_levels: dict[str, list[dict[str, Any]]] | None = None
        self.resolved_genes: dict[tuple, Any] = {}
        """Each gene's resolution by (symbol, its input items), kept for the next genotype (``phenotype``)."""
        self._lock = threading.Lock()
        _settle()

    def diplotypes(self, wanted: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Diplotype id -> its phenotype row (``diplotype_phenotypes.cypher``), for ``[{"id", "alleles"}]``."""
        missing = [d for d in wanted if d["id"] not in self._diplotypes]
        if missing:
            for row in self.graph.read(read_cypher("pgxkg.queries", "diplotype_phenotypes"), diplotypes=missing):
                self._diplotypes[row["id"]] = row
        return {d["id"]: self._diplotypes[d["id"]] for d in wanted}

    def recommendations(self, ids: set[str]) -> dict[str, tuple[dict[str, Any], dict[str, Any] | None]]:
        """Recommendation id -> (its properties, its guideline or None)."""
        missing = sorted(ids - self._recommendations.keys())
        if missing:
            for row in self.graph.read(read_cypher("pgxkg.queries", "recommendation_details"), ids=missing):
                self._recommendations[row["id"]] = (row["recommendation"], row["guideline"])
        return {rec_id: self._recommendations[rec_id] for rec_id in ids}

    def drug_evidence(self, drugs: list[str]) -> dict[str, dict[str, Any]]:
        """Drug id -> levels (``drug_levels``), PMIDs, alternatives named by recommendations, ATC class
        mates (``drug_evidence.cypher``); drugs with no Drug node are left out."""
        missing = [drug for drug in drugs if drug not in self._drug_evidence]
        if missing:
            levels = self.drug_levels
            for row in self.graph.read(read_cypher("pgxkg.queries", "drug_evidence"), drugs=missing):
                self._drug_evidence[row["drug"]] = {**row, "levels": levels.get(row["drug"], [])}
            for drug in missing:  # no Drug node (a rule about a class of drugs): remembered as none
                self._drug_evidence.setdefault(drug, None)
        return {drug: found for drug in drugs if (found := self._drug_evidence.get(drug)) is not None}

    @property
    def drug_levels(self) -> dict[str, list[dict[str, Any]]]:
        """Drug id -> its pharmacogenes' evidence levels, by gene (``drug_levels.cypher``: which pairs
        count as evidence is decided there only); read on first use."""
        if self._drug_levels is None:
            self._drug_levels = {row["drug"]: row["levels"]
                                 for row in self.graph.read(read_cypher("pgxkg.queries", "drug_levels"))}
        return self._drug_levels

    @property
    def drug_genes(self) -> dict[str, dict[str, str]]:
        """Drug id -> {gene: its evidence in words, e.g. "CPIC B/C" or "ClinPGx 2A"} (what an alternative
        is checked against)."""
        if self._drug_genes is None:
            self._drug_genes = {drug: {level["gene"]: _level_text(level) for level in levels if level.get("gene")}
                                for drug, levels in self.drug_levels.items()}
        return self._drug_genes

    @property
    def definitions(self) -> Definitions:
        """The allele definitions for VCF calling (read on first use)."""
        if self._definitions is None:
            with self._lock:
                if self._definitions is None:
                    self._definitions = load_definitions(self.graph)
        return self._definitions


def _settle() -> None:
    """Keep Python's cyclic garbage collector off the reference data: every object alive now (the
    vocabulary and rules just loaded, hundreds of thousands of them) moves to the permanent generation,
    so a full collection during a request no longer walks them (a 15-gene answer's p99 went from
    ~63 ms to ~7 ms). What an earlier load froze is unfrozen and collected first, so a replaced
    snapshot's cycles are still freed. Objects are still freed by reference counting."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


LABELS = ("fda_label", "ema_label", "pmda_label", "hcsc_label", "swissmedic_label")


def _level_text(level: dict[str, Any]) -> str:
    label = next((level[k] for k in LABELS if level.get(k)), None)
    parts = [f"CPIC {level['cpic_level']}" if level.get("cpic_level") else "",
             f"ClinPGx {level['pharmgkb_level']}" if level.get("pharmgkb_level") else "",
             f"label: {label}" if label and not level.get("cpic_level") else ""]
    return ", ".join(p for p in parts if p) or "no level"


class ReferenceCache:
    """The current ``ReferenceData`` of one graph, replaced as a whole.

    ``get()`` loads on first use; once the data is ``ttl`` seconds old, one caller reloads it
    while the others keep being served the previous snapshot. ``replace()`` loads anew at once
    (after a build). Raises GraphUnavailable when Neo4j cannot be reached.
    """

    def __init__(self, graph: Graph, ttl: float = TTL_SECONDS) -> None:
        self.graph = graph
        self.ttl = ttl
        self._current: ReferenceData | None = None
        self._lock = threading.Lock()

    def get(self) -> ReferenceData:
        current = self._current
        if current is not None and time.monotonic() - current.loaded_at <= self.ttl:
            return current
        if current is not None and not self._lock.acquire(blocking=False):
            return current  # another caller is reloading: serve the previous snapshot meanwhile
        if current is None:
            self._lock.acquire()
        try:
            current = self._current
            if current is None or time.monotonic() - current.loaded_at > self.ttl:
                current = self._current = ReferenceData(self.graph)
            return current
        finally:
            self._lock.release()

    def replace(self) -> ReferenceData:
        """Load the reference data anew now and make it the current snapshot."""
        fresh = ReferenceData(self.graph)
        with self._lock:
            self._current = fresh
        return fresh
