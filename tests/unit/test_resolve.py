"""Cross-source steps of a build on small collections (no database)."""

from __future__ import annotations

from pgxkg.loaders.categories import categorise
from pgxkg.loaders.collect import Collection
from pgxkg.loaders.records import EdgeRecord, NodeRecord
from pgxkg.loaders.resolve import unshare_rxnorm
from pgxkg.loaders.verdicts import categorise_recommendations
from pgxkg.vocab import drug_id


def test_a_combination_is_one_drug_whatever_the_spacing() -> None:
    assert drug_id("Fluticasone/Salmeterol") == drug_id("fluticasone / salmeterol") == "fluticasone / salmeterol"
    assert drug_id(" Clopidogrel ") == "clopidogrel"


def test_an_rxnorm_cui_two_drugs_carry_is_neither_ones_identity() -> None:
    collection = Collection()
    collection.add(NodeRecord("Drug", "l-methylfolate", {"rxnorm": "1025342", "pharmgkb_id": "PA166182939"}), "a@1")
    collection.add(NodeRecord("Drug", "levomefolic acid", {"rxnorm": "1025342", "pharmgkb_id": "PA166129561"}), "a@1")
    collection.add(NodeRecord("Drug", "clopidogrel", {"rxnorm": "32968"}), "a@1")
    assert unshare_rxnorm(collection) == 1
    drugs = dict(collection.nodes_of("Drug"))
    assert "rxnorm" not in drugs["l-methylfolate"].props and drugs["l-methylfolate"].props["rxnorm_ids"] == ["1025342"]
    assert "rxnorm" not in drugs["levomefolic acid"].props  # both kept, neither merged
    assert drugs["clopidogrel"].props["rxnorm"] == "32968"


def test_avoid_with_a_dosed_fallback_is_choosing_an_alternative() -> None:
    text = ("Avoid tertiary amine use due to potential for sub-optimal response. Consider alternative drug not "
            "metabolized by CYP2C19. For tertiary amines, consider a 50% reduction of the recommended starting dose.")
    assert categorise(text, "amitriptyline") == ("alternative", "avoid-with-fallback")
    assert categorise("Avoid aminoglycoside antibiotics unless the high risk of permanent hearing loss is "
                      "outweighed by the severity of infection.", "amikacin")[0] == "avoid"


def test_one_text_for_a_range_of_scores_is_the_reference_rule_when_the_reference_score_is_in_it() -> None:
    """DPWG writes one row for CYP2D6 activity 1.25-2.5 ("no recommendation for normal metabolizers"):
    the reference patients' rule, so standard care, though 2.5 falls outside CPIC's normal range."""
    collection = Collection()
    collection.add(NodeRecord("Phenotype", "CYP2D6:Normal Metabolizer", {
        "gene": "CYP2D6", "name": "Normal Metabolizer", "activity_min": 1.25, "activity_max": 2.25,
        "activity_max_inclusive": True, "priority": "Normal/Routine/Low Risk"}), "cpic@1")
    rules = {"normal": ["1.25", "2.0", "2.5"], "poor": ["0.0"]}
    for name, scores in rules.items():
        key = f"DPWG:tramadol:{name}"
        collection.add(NodeRecord("Recommendation", key, {
            "source": "DPWG", "drug": "tramadol", "genes": ["CYP2D6"],
            "classification": "No Recommendation" if name == "normal" else "Strong",
            "text": "The guideline does not provide a recommendation for tramadol in normal metabolizers."
            if name == "normal" else "Choose an alternative, not oxycodone."}), "dpwg@1")
        for score in scores:
            target = ("Phenotype", f"CYP2D6:Activity Score {score}")
            collection.add_edge(EdgeRecord("WHEN", ("Recommendation", key), target,
                                           {"gene": "CYP2D6", "kind": "activity",
                                            "condition": f"activity:CYP2D6:{score}"}), "dpwg@1")
    categorise_recommendations(collection)
    recommendations = dict(collection.nodes_of("Recommendation"))
    assert recommendations["DPWG:tramadol:normal"].props["category"] == "standard"
    assert recommendations["DPWG:tramadol:poor"].props["category"] == "alternative"


def test_a_rule_for_the_reference_phenotype_or_an_indeterminate_one_is_the_reference_rule() -> None:
    """RNPGx gives TPMT "Normal Metabolizer; Indeterminate" one text ("Dose adjustment: Standard dose."):
    what its normal metabolizers get, so standard care; its poor metabolizer row stays a departure, and
    a row for a non-reference phenotype with an indeterminate one is never the reference's."""
    collection = Collection()
    collection.add(NodeRecord("Phenotype", "TPMT:Normal Metabolizer", {
        "gene": "TPMT", "name": "Normal Metabolizer", "priority": "Normal/Routine/Low Risk"}), "cpic@1")
    rows = {"normal": (["Normal Metabolizer", "Indeterminate"], "Dose adjustment: Standard dose."),
            "poor": (["Poor Metabolizer", "Indeterminate"], "Dose adjustment: reduce the dose tenfold."),
            "intermediate": (["Intermediate Metabolizer"], "Dose adjustment: Standard dose.")}
    for name, (phenotypes, text) in rows.items():
        key = f"RNPGx:azathioprine:{name}"
        collection.add(NodeRecord("Recommendation", key, {"source": "RNPGx", "drug": "azathioprine", "genes": ["TPMT"],
                                                          "text": text}), "panno@1")
        for phenotype in phenotypes:
            collection.add_edge(EdgeRecord("WHEN", ("Recommendation", key), ("Phenotype", f"TPMT:{phenotype}"),
                                           {"gene": "TPMT", "kind": "phenotype",
                                            "condition": f"phenotype:TPMT:{phenotype}"}), "panno@1")
    categorise_recommendations(collection)
    found = {key: entry.props for key, entry in collection.nodes_of("Recommendation")}
    assert found["RNPGx:azathioprine:normal"]["category_signal"] == "reference phenotype"
    assert found["RNPGx:azathioprine:normal"]["category"] == "standard"
    assert found["RNPGx:azathioprine:poor"]["category"] == "adjust_dose"
    assert found["RNPGx:azathioprine:intermediate"]["category_signal"] == "same as reference"


def test_drugs_with_one_clinpgx_id_are_one_drug_under_clinpgx_s_name() -> None:
    from pgxkg.loaders.resolve import resolve_drugs

    collection = Collection()
    collection.add(NodeRecord("Drug", "metamizole", {"pharmgkb_id": "PA166128206", "name": "metamizole"}),
                   "clinpgx@release")
    collection.add(NodeRecord("Drug", "dipyrone", {"pharmgkb_id": "PA166128206", "rxnorm": "3498"}), "cpic-api@v1")
    collection.add(EdgeRecord("FOR_DRUG", ("Recommendation", "CPIC:dipyrone:x"), ("Drug", "dipyrone")), "cpic-api@v1")
    assert resolve_drugs(collection) == 1
    drugs = dict(collection.nodes_of("Drug"))
    assert set(drugs) == {"metamizole"} and drugs["metamizole"].props["rxnorm"] == "3498"
    assert "dipyrone" in drugs["metamizole"].props["synonyms"]
    assert ("FOR_DRUG", ("Recommendation", "CPIC:dipyrone:x"), ("Drug", "metamizole")) in collection.edges
