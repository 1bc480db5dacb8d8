"""Recommendation categories from recommendation text.

``categorise(text)`` returns ``(category, rule_name)`` with ``category`` one of
``pgxkg.vocab.CATEGORIES``. Sources without a category (the CPIC tables) get one from
these rules; sources with PharmGKB's Avoid/Alternate/Dosing flags use
``category_from_flags`` and can measure ``categorise`` against it.

How a text is read:

1. Normalise: strip quotes, lowercase, single spaces.
2. Empty, ``None``, ``N/A``, "No recommendation...", "does not provide a
   recommendation" -> ``no_recommendation`` (rule ``no-recommendation``).
3. Rewrite phrases whose keyword does not mean what it says (``REWRITES``):

   - negated actions ("no need to avoid", "no reason to withhold", "no dose
     adjustment is needed", "not necessary to reduce") become ``no action``;
   - avoidance offered as an option or a fallback ("use 70% of the dose, or
     avoid X", "if a dose increase is not wanted: avoid X") becomes
     "choose an alternative";
   - "not an alternative", "if no contraindication", "when AIs are
     contraindicated", "testing is not recommended", "not recommended to increase"
     lose their keyword;
   - routine dose wording ("adjust doses based on disease-specific guidelines",
     "without special emphasis", "after each dose adjustment", "to guide dose
     adjustments") is dropped;
   - avoiding a co-medication or an inhibitor becomes "monitor" (a caution about
     the combination, not avoiding this drug).

4. Rules in severity order; the first that matches wins (``RULES``):

   ====================  ===========  ==================================================
   rule                  category     matches
   ====================  ===========  ==================================================
   no-action             standard     text starting "no action is required/needed"
   avoid-drug            avoid        "avoid <drug>", "avoided" (not "avoid standard dose")
   contraindicated       avoid        "is/are/relatively contra(-)indicated", "contraindicates"
   do-not-use            avoid        "do not use/prescribe/give" (not "... doses"),
                                      "should not be used/receive", "is not recommended"
   avoid-dose-use-other  alternative  "avoid standard dose X ... use <another drug>"
   alternative           alternative  "alternative(s)", "agents other than", "switch to",
                                      "in lieu of", "select/choose another"
   dose-percent          adjust_dose  "25% reduction", "50% of the standard dose",
                                      "1.5 times", "10-fold", "double the dose", "half the dose"
   dose-change           adjust_dose  reduce/increase/decrease/limit/adjust ... dose,
                                      "reduced doses", "dose reduction", "avoid standard
                                      dose", "dosing algorithm"
   titrate               adjust_dose  "titrat..."
   dose-cap              adjust_dose  "prescribe <=20mg", "maximum dose of", "not exceed",
                                      "doses exceeding", "start at/with <n>|low|reduced"
   monitor               caution      monitor(ing), caution, be alert/aware, "carefully
                                      weigh", "consider evaluating", "therapeutic drug
                                      monitoring"
   standard              standard     standard/normal/recommended/desired/typical
                                      (starting) dose, "initiate therapy with", "label
                                      recommended", "according to the label", "no action",
                                      "standard of care"
   unrecognised          caution      nothing above matched: the text says something a
                                      prescriber should read, so it is not called standard
   ====================  ===========  ==================================================

Decisions: "Avoid standard dose clopidogrel if possible. Use prasugrel or
ticagrelor" is ``alternative`` (CPIC's alternative-drug recommendation: avoid
the dose, use another drug); "Avoid clopidogrel if possible" and "Avoid codeine
use" are ``avoid`` even when an alternative is named. A conditional alternative
("if dose >20mg is needed, consider an alternative statin") still makes the text
``alternative``: the most severe applicable action wins.

Agreement with PharmGKB's flags, measured on panno 0.3.1 ``pgx_kb.sqlite3``
table ``GuidelineMerge`` (599 guideline annotations: CPIC 375, DPWG 172, other
52), flags mapped with ``category_from_flags`` and "no flag" counted as agreeing
with caution, standard and no_recommendation:

- same category: 491/599 (82.0%); CPIC 293/375 (78.1%), others 198/224 (88.4%)
- actionable or not (any flag vs avoid/alternative/adjust_dose): 534/599 (89.1%)
- per category (precision / recall): avoid 68% / 97%, alternative 90% / 61%,
  adjust_dose 89% / 84%, no flag 80% / 91%.

Most disagreements are decisions, not misses: texts that avoid the drug and also
name an alternative are ``avoid`` here but often only Alternate in PharmGKB
(27); PharmGKB flags "No recommendation." and "Prescribe desired starting dose"
rows of the statin guideline as Dosing/Alternate (12), and flags nothing on
"Allopurinol is contraindicated" or "Abacavir is not recommended".
"""

from __future__ import annotations

import re

# In patterns, {d} stands for a dose word and {q} for a word that qualifies a dose.
_DOSE = r"doses?|dosing|dosage"
_DOSE_QUALIFIER = r"standard|usual|normal|high|higher|maximum|max|starting|initial|full|typical"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("{d}", _DOSE).replace("{q}", _DOSE_QUALIFIER))


# Rewrites applied before the rules: (pattern, replacement).
REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (_compile(pattern), replacement)
    for pattern, replacement in (
        # negated actions -> a standard phrase
        (r"\b(?:there is )?no (?:reason|need) to"
         r" (?:avoid|withhold|adjust|reduce|change|select|choose)\w*", " no action "),
        (r"\b(?:it is )?not (?:necessary|needed|required) to"
         r" (?:avoid|adjust|reduce|change)\w*", " no action "),
        (r"\b(?:need|does|do) not (?:need to )?(?:be )?(?:avoid|adjust|reduc)\w*", " no action "),
        (r"\bno (?:dose |dosing )?(?:adjustment|change|reduction)s?(?: (?:is|are))?"
         r"(?: (?:needed|required|necessary|recommended))?", " no action "),
        # avoidance offered as one option, or as a fallback, is an alternative
        (r"\bor,? avoid\b", " or choose an alternative "),
        (r"\bif [^.:]*: avoid\b", " choose an alternative "),
        (r"\bnot possible to avoid\b", " "),
        # negated or conditional keywords -> nothing
        (r"\b(?:is |are )?(?:not|no) (?:a |an )?"
         r"(?:suitable |safe |good |appropriate )?alternatives?\b", " "),
        (r"\balternative (?:agents|drugs|therapies|treatments)? ?(?:are|is) not"
         r" (?:considered )?(?:a )?suitable", " "),
        (r"\b(?:if|when) (?:there is |there are )?(?:no )?contra-?indications?\b", " "),
        (r"\bcontra-?indications? to\b", " "),
        (r"\b(?:when|if|where) [^.;:]{0,40}? (?:is|are) contra-?indicated\b", " "),
        (r"\b(?:as|because|since) (?:it|this|they) (?:is|are) (?:also )?contra-?indicated\b", " "),
        (r"\b(?:test|testing|tests|genotyping|screening) (?:is|are) not recommended\b", " "),
        (r"\bnot recommended to (?:increase|raise|double)\b", " "),
        # routine dose wording -> nothing
        (r"\badjust (?:the )?(?:{d})\b[^.]*?"
         r"(?:based on disease-specific|without (?:any )?special emphasis)", " "),
        (r"\bafter each dose adjustment\b", " "),
        (r"\b(?:to )?guide dose adjustments?\b", " "),
        # avoiding a co-medication is a caution about the combination
        (r"\bavoid(?:ing)? (?:the )?"
         r"(?:co-?medication|concomitant|combin\w*|co-?administration)\b", " monitor "),
        (r"\bavoid (?:[\w-]+ ){0,4}inhibitors?\b", " monitor "),
    )
)

# Rules in severity order: (rule name, category, pattern). First match wins.
RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (name, category, _compile(pattern))
    for name, category, pattern in (
        ("no-action", "standard", r"^no action is (?:required|needed)\b"),
        ("avoid-drug", "avoid",
         r"\bavoid(?:s|ing)?\b(?! (?:the )?(?:use of )?(?:a |an |the )?(?:{q})\b)|\bavoided\b"),
        ("contraindicated", "avoid",
         r"\b(?:is|are|be|relatively|absolutely|strictly) contra-?indicated\b|\bcontra-?indicates\b"),
        ("do-not-use", "avoid",
         r"\bdo not (?:use|prescribe|administer|give)\b(?! (?:a |any )?(?:{d}|more than|higher))"
         r"|\b(?:should|must) not (?:be )?(?:used|prescribed|administered|given|receive)\b"
         r"|\b(?:is|are) not recommended\b|\bagainst (?:the )?use\b"),
        ("avoid-dose-use-other", "alternative",
         r"\bavoid (?:the )?(?:{q}) (?:{d})\b.*\buse (?!(?:a |an |the )?"
         r"(?:\d|reduced|lower|higher|half|low|high|{q}|{d}|caution))[a-z]"),
        ("alternative", "alternative",
         r"\balternatives?\b"
         r"|\b(?:agents?|drugs?|medications?|therap(?:y|ies)|treatments?|options?) other than\b"
         r"|\bswitch(?:ing)? to\b|\bin lieu of\b|\b(?:select|choose|use) (?:another|a different)\b"),
        ("dose-percent", "adjust_dose",
         r"\d\s*%[^.;]{0,40}?\b(?:{d}|reduction|increase|decrease)\b"
         r"|\b(?:reduc|increas|decreas)\w* (?:\w+ ){0,3}by \d"
         r"|\b\d+(?:\.\d+)?(?:\s*(?:-|to)\s*\d+(?:\.\d+)?)? ?(?:times|fold|x)\b"
         r"|\b(?:double|halve|triple) (?:the )?(?:\w+ )?(?:{d})\b"
         r"|\bhalf (?:of )?(?:the )?(?:\w+ )?(?:{d})\b"),
        ("dose-change", "adjust_dose",
         r"\b(?:reduc|increas|decreas|lower|rais|limit|adjust|modif)\w* (?:\w+ ){0,3}?(?:{d})\b"
         r"|\b(?:reduced|lower|higher|decreased|increased) (?:\w+ ){0,2}?(?:{d})\b"
         r"|\b(?:{d}) (?:reduction|increase|decrease|adjustment|escalation|modification)s?\b"
         r"|\bavoid (?:the )?(?:{q}) (?:{d})\b|\bdosing algorithms?\b"),
        ("titrate", "adjust_dose", r"\btitrat"),
        ("dose-cap", "adjust_dose",
         r"\bprescribe (?:≤|<=?|less than) ?\d|\b(?:maximum|max) (?:daily )?dose of\b|\bnot exceed\b"
         r"|\b(?:{d}) exceeding\b|\bstart(?:ing)? (?:at|with) (?:a )?(?:\d|low|lower|reduced)"),
        ("monitor", "caution",
         r"\bmonitor|\bcaution|\bbe (?:alert|aware|vigilant)\b|\baware of\b"
         r"|\bcarefully weigh|\bconsider evaluating\b|\bclose(?:ly)? (?:observation|follow)"),
        ("standard", "standard",
         r"\b(?:standard|usual|normal|recommended|desired|typical)"
         r" (?:starting |initial |daily |maintenance )?(?:{d})\b"
         r"|\binitiate (?:therapy|treatment) with\b|\blabel recommended\b"
         r"|\baccording to the (?:product |prescribing )?(?:label|information)\b|\bno action\b"
         r"|\bstandard of care\b|\bas directed\b|\bstandard (?:therapy|treatment|regimen)\b"),
    )
)

_NO_RECOMMENDATION = re.compile(
    r"^(?:none|n/?a|na|-|no recommendations?\b.*)$"
    r"|\bdoes not provide (?:a )?recommendations?\b|\bno recommendations? (?:is|are|can be) made\b"
    r"|\b(?:insufficient|not enough) (?:evidence|data) to (?:make|provide|give) (?:a )?recommendation"
)
_QUOTES = "\"'“”‘’ \t\r\n"
_SPACES = re.compile(r"\s+")
FALLBACK_RULE = "unrecognised"


def normalise_text(text: str) -> str:
    """Quotes stripped, lowercase, single spaces: the form the rules read."""
    return _SPACES.sub(" ", text.strip(_QUOTES)).lower()


def rewrite(text: str) -> str:
    """Apply the negation and routine-wording rewrites to normalised text."""
    for pattern, replacement in REWRITES:
        text = pattern.sub(replacement, text)
    return text


def categorise(text: str | None) -> tuple[str, str]:
    """(category, rule name) for one recommendation text."""
    normal = normalise_text(text or "")
    if not normal or _NO_RECOMMENDATION.search(normal):
        return "no_recommendation", "no-recommendation"
    rewritten = rewrite(normal)
    for name, category, pattern in RULES:
        if pattern.search(rewritten):
            return category, name
    return "caution", FALLBACK_RULE


def category_from_flags(avoid: bool, alternate: bool, dosing: bool) -> str | None:
    """PharmGKB's Avoid/Alternate/Dosing flags as one category; None when no flag is set."""
    if avoid:
        return "avoid"
    if alternate:
        return "alternative"
    if dosing:
        return "adjust_dose"
    return None
