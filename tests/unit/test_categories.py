"""Recommendation categories from text, on real guideline wording."""

from __future__ import annotations

import pytest

from pgxkg.loaders.categories import RULES, categorise
from pgxkg.vocab import CATEGORIES

CLINICAL_EXAMPLES = [
    # CPIC clopidogrel, poor metaboliser: avoid the standard dose, use another drug
    ("Avoid standard dose (75 mg/day) clopidogrel if possible. Use prasugrel or ticagrelor at "
     "standard dose if no contraindication.", "alternative"),
    # "if possible": a preference for other drugs, not a prohibition (CPIC's PM row)
    ("Avoid clopidogrel if possible. Use prasugrel or ticagrelor at standard dose if no "
     "contraindication.", "alternative"),
    ("Initiate therapy with recommended starting dose.", "standard"),
    ("Consider a 25% reduction of recommended starting dose. Utilize therapeutic drug monitoring to "
     "guide dose adjustments.", "adjust_dose"),
    ("Avoid codeine use because of potential for toxicity", "avoid"),
    ("Avoid codeine use because of potential for serious toxicity. If opioid use is warranted, "
     "consider a non-tramadol opioid.", "avoid"),
    ("None", "no_recommendation"),
    ("", "no_recommendation"),
    ("No recommendation.", "no_recommendation"),
    ("No recommendation for hydrocodone therapy because of minimal evidence regarding adverse "
     "events or analgesia.", "no_recommendation"),
    ("If considering clopidogrel, use at standard dose (75 mg/day).", "standard"),
    ("Use codeine label recommended age- or weight-specific dosing.", "standard"),
    ("Select alternative drug not predominantly metabolized by CYP2D6 (i.e., granisetron).", "alternative"),
    ("Prescribe an alternative statin depending on the desired potency.", "alternative"),
    ("Reduce starting dose by 50% followed by titration of dose based on toxicity or therapeutic "
     "drug monitoring (if available).", "adjust_dose"),
    ("Increase starting dose 1.5 to 2 times recommended starting dose. Total starting dose should "
     "not exceed 0.3 mg/kg/day.", "adjust_dose"),
    ("Prescribe <=20mg as a starting dose and adjust doses of rosuvastatin based on "
     "disease-specific and specific population guidelines.", "adjust_dose"),
    ("Abacavir is not recommended", "avoid"),
    ("Rasburicase is contraindicated; alternatives include allopurinol.", "avoid"),
    ("Halogenated volatile anesthetics or the depolarizing muscle relaxant succinylcholine are "
     "relatively contraindicated in persons with malignant hyperthermia susceptibility (MHS).", "avoid"),
    ("Avoid use of 5-fluorouracil or 5-fluorouracil prodrug-based regimens.", "avoid"),
    ("If thiopurines are required and either TPMT or NUDT15 status is unknown, monitor closely "
     "for toxicity.", "caution"),
]

NOT_WHAT_THEY_SEEM = [
    # negated avoid
    ("There is no need to avoid prescribing of atazanavir based on UGT1A1 genetic test result.", "standard"),
    ("No reason to withhold rasburicase based on G6PD status.", "standard"),
    # avoiding a co-medication is not avoiding the drug
    ("Avoid moderate and strong CYP2D6 inhibitors. Initiate therapy with recommended standard of "
     "care dosing (tamoxifen 20 mg/day).", "caution"),
    # routine dosing wording is not a dose adjustment
    ("Prescribe desired starting dose and adjust doses based on disease-specific guidelines.", "standard"),
    ("Start with normal starting dose (e.g., 40-60 mg/m2/day) and adjust doses of thioguanine and "
     "of other myelosuppressive therapy without any special emphasis on thioguanine. Allow 2 weeks "
     "to reach steady-state after each dose adjustment.", "standard"),
    # "not an alternative" and "no contraindication" do not count
    ("Start with 50% of the standard dose. Tegafur is not an alternative, as this is also "
     "metabolised by DPD.", "adjust_dose"),
    # a percentage that is not a dose, in a text that gives no instruction
    ("Implications for PEG-IFN alpha and RBV: Approximately 70% chance for SVR after 48 weeks of "
     "treatment.", "no_recommendation"),  # and no instruction at all: it states an effect
    # a field label is not advice: what follows the colon is
    ("Dose adjustment: Standard dose. Initial dose: Azathioprine 2.0-2.5 mg/kg/day.", "standard"),
    ("Dose adjustment: 50% of the standard dose.", "adjust_dose"),
    # "do not give doses exceeding" caps the dose
    ("Do not give doses exceeding 75 mg/day.", "adjust_dose"),
    # avoidance offered as one option among others
    # options: the first-listed one decides
    ("Use 70% of the standard dose and monitor the effect, or, avoid imipramine.", "adjust_dose"),
    ("Avoid tegafur or start with a low dose and adjust the initial dose based on toxicity.", "alternative"),
    ("Consider a 50% reduction of recommended starting dose and titrate to response or select alternative "
     "drug not predominantly metabolized by CYP2C19.", "adjust_dose"),
    # a change only if the drug fails is caution; a fallback dose makes an avoid an alternative
    ("Initiate therapy with recommended starting dose. If patient does not respond to recommended "
     "maintenance dosing, consider alternative drug not predominantly metabolized by CYP2C19.", "caution"),
    ("Avoid amitriptyline use. If amitriptyline is warranted, consider a 50% reduction of recommended "
     "starting dose.", "alternative"),
    ("Avoid codeine use because of possibility of diminished analgesia. If opioid use is warranted, "
     "consider a non-tramadol opioid.", "avoid"),
    # a statement of effect without any instruction makes no recommendation
    ("The genetic variation results in increased conversion of clopidogrel to the active metabolite.",
     "no_recommendation"),
    ("NO action is required for this gene-drug interaction. The gene variation results in a "
     "reduction of the exposure to brexpiprazole.", "standard"),
]


@pytest.mark.parametrize(("text", "category"), CLINICAL_EXAMPLES + NOT_WHAT_THEY_SEEM)
def test_categorise(text: str, category: str) -> None:
    assert categorise(text)[0] == category


def test_categorise_names_the_rule() -> None:
    assert categorise("Avoid codeine use.") == ("avoid", "avoid-drug")
    assert categorise("None") == ("no_recommendation", "no-recommendation")
    assert categorise("The guideline panel met twice.") == ("no_recommendation", "statement-only")
    assert categorise("Consider the patient's history.") == ("caution", "unrecognised")


def test_quotes_case_and_spacing_do_not_matter() -> None:
    assert categorise('"AVOID   codeine\n use."') == categorise("Avoid codeine use.")


def test_rules_use_known_categories_in_severity_order() -> None:
    order = [CATEGORIES.index(category) for name, category, _ in RULES if name != "no-action"]
    assert order == sorted(order)
    assert len({name for name, _, _ in RULES}) == len(RULES)
