"""Reading genotypes as users write them (shape only; no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgxkg.errors import InvalidInput
from pgxkg.queries.genotype_input import read_genotype


def kinds(items) -> list[tuple[str, str]]:
    return [(item.gene, item.kind) for item in items]


def test_inline_text_reads_every_kind_of_fact() -> None:
    items = read_genotype("CYP2C19 *2/*17; CYP2D6=Poor Metabolizer; HLA-B *57:01 positive; "
                          "rs4244285 A/A; CYP2C9 1.5")
    assert kinds(items) == [("CYP2C19", "diplotype"), ("CYP2D6", "phenotype"), ("HLA-B", "status"),
                            ("rs4244285", "rsid"), ("CYP2C9", "activity")]
    assert items[0].alleles == ("*2", "*17")
    assert items[2].positive is True and items[2].alleles == ("*57:01",)
    assert items[4].score == 1.5


def test_json_object_with_lists_and_numbers() -> None:
    items = read_genotype({"HLA-B": ["*57:01 negative", "*58:01 positive"], "CYP2D6": 2})
    assert kinds(items) == [("HLA-B", "status"), ("HLA-B", "status"), ("CYP2D6", "activity")]


def test_pharmcat_outside_call_tsv_file(tmp_path: Path) -> None:
    path = tmp_path / "outside.tsv"
    path.write_text("# outside calls\nCYP2D6\t*1/*4\nHLA-B\t\t*57:01 positive\nCYP2C9\t\t\t1.0\n")
    assert kinds(read_genotype(str(path), allow_files=True)) == [("CYP2D6", "diplotype"), ("HLA-B", "status"),
                                                ("CYP2C9", "activity")]


@pytest.mark.parametrize(("text", "message"), [
    ("CYP2C19", "write it as 'GENE VALUE'"),
    ("CYP2C19 *2/", "an allele is missing"),
    ("rs4244285 banana", "not a genotype"),
    ("{", "not valid JSON"),
    ("", "empty"),
    ("CYP2D6 *1/*1" + "+*1" * 400, "1,205 characters long .*at most 1,000"),
    ("X" * 200 + " *1/*1", "a gene name of 200 characters"),
])
def test_malformed_genotypes_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_genotype(text)


def test_tsv_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "calls.tsv"
    path.write_text("CYP2D6\t*1/*4\nTPMT\t\n")
    with pytest.raises(InvalidInput, match=r"calls\.tsv:2"):
        read_genotype(str(path), allow_files=True)


def test_a_file_name_that_is_not_there_says_so(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"no such file: .*calls\.json"):
        read_genotype(str(tmp_path / "calls.json"), allow_files=True)


def test_a_vcf_given_as_pharmcat_results_says_to_use_vcf() -> None:
    from pgxkg.queries.pharmcat_input import read_pharmcat

    with pytest.raises(InvalidInput, match=r"sample\.vcf is a VCF, not PharmCAT.s results: give it with --vcf"):
        read_pharmcat("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\n", "sample.vcf")
