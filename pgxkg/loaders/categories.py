"""Recommendation categories from recommendation text: the last of the signals ``verdicts.py`` uses.

``categorise(text, drug, drugs)`` returns ``(category, rule_name)`` with ``category`` one of
``pgxkg.vocab.CATEGORIES``. It is used only where no structured signal decides (the row is not the
source's reference-phenotype row, its text is not the reference patients' text, and the source does
not classify it "No Recommendation"; see ``verdicts.py``).

How a text is read:

1. Normalise: strip quotes, lowercase, single spaces. Empty, ``None``, ``N/A``, "No
   recommendation...", "does not provide a recommendation", "insufficient evidence to make a
   recommendation", "remains to be assessed" -> ``no_recommendation`` (unless the text goes on
   to give a dose, as CPIC's ondansetron rows do).
2. Split into clauses: sentences, semicolon parts, numbered list items.
3. Rewrite phrases whose keyword does not mean what it says (``REWRITES``): negated actions ("no
   need to avoid", "no dose adjustment is needed") become ``no action``; "avoid X if possible" is
   a preference for another drug; "not an alternative", "alternatives include", "an alternative can
   be selected as a precaution", "when selecting alternative therapy" lose their keyword; a field
   label ("Dose adjustment: Standard dose.") is dropped, the advice being what follows; routine dose
   wording ("adjust doses based on disease-specific guidelines", "as per standard clinical practice",
   "use TDM to guide dose adjustments") is dropped or read as monitoring; avoiding a co-medication or an
   inhibitor becomes "monitor".
4. Classify each clause:
   - a clause that applies only when the drug fails or harms ("if no response...", "in the case of
     inadequate effectiveness:", "if side effects occur") or in a co-medication branch is
     *conditional*; a clause that keeps the drug as a fallback ("if X is warranted", "if it is not
     possible to avoid X:") is a *fallback*; what a study found ("in 14 IM adults a dose reduction
     was sufficient") is evidence, not advice;
   - inside a clause, the first-listed option decides ("reduce the dose ... or select an
     alternative" is a dose change), but advice joined by "and" for subgroups takes the most severe;
     "avoid X or start with a low dose" is ``alternative``.
5. Combine: the most severe unconditional clause wins (advice split by indication is as strict as
   its strictest branch; a numbered list of "options" takes its first item); an ``avoid`` with a
   dose fallback is ``alternative``; with no unconditional action, a conditional action makes
   ``caution``; a text that only states an effect, with no instruction at all, is
   ``no_recommendation``; an instruction no rule recognises is ``caution`` (a prescriber should read it).

Rules in severity order (``RULES``; ``first_rule`` picks by position within a clause):

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
                                   "reduced doses", "dose reduction", "dosing algorithm"
titrate               adjust_dose  "titrat..."
dose-cap              adjust_dose  "prescribe <=20mg", "maximum dose of/for", "not exceed",
                                   "start at/with <n>|low|reduced", "as a target dose"
monitor               caution      monitor(ing), caution, be alert/aware, "carefully weigh",
                                   "must be measured", "measure ... activity"
standard              standard     standard/normal/recommended/desired/typical (starting)
                                   dose, "initiate therapy with", "label recommended",
                                   "standard of care", "should guide use of"
====================  ===========  ==================================================

Measured on the hand-labelled gold set (``tests/data/gold_categories.tsv``): see the README and
``tests/test_gold_categories.py``.
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
        # a field label ("Dose adjustment: Standard dose.", RNPGx): the advice is what follows the colon
        (r"^(?:{d}) (?:adjustments?|recommendations?|modifications?) ?:", " "),
        # routine dose wording -> nothing
        (r"\badjust (?:the )?(?:{d})\b[^.]*?"
         r"(?:based on disease-specific|without (?:any )?special emphasis)", " "),
        (r"\bafter each dose adjustment\b", " "),
        (r"\b(?:to )?guide dose adjustments?\b", " "),
        # saying no dose advice can be given is not a dose change
        (r"\b(?:it is )?not possible to (?:offer|provide|give|make) [^.]*?"
         r"(?:recommendations?|advice) for (?:a )?(?:{d}) (?:adjustment|reduction|increase)", " "),
        (r"\binsufficient (?:information|data|evidence)[^.]*? to make a (?:{d}|dosage) recommendation", " "),
        # naming what the alternatives would be, or allowing one, is not itself advice to switch
        (r"\balternatives? (?:include|includes|are|such as)\b", " "),
        (r"\bwhen selecting (?:an )?alternative (?:therapy|drugs?|agents?)\b", " "),
        (r"\b(?:an |the )?alternative (?:can|may|could) be (?:selected|chosen|considered)\b", " "),
        (r"\b(?:an )?increase (?:in|of) (?:this |the )?(?:{d}) (?:will )?(?:probably )?(?:not|will not|is not) "
         r"(?:be )?(?:required|needed|necessary)", " no action "),
        (r"\b(?:use )?(?:therapeutic drug monitoring|tdm) to (?:titrate|guide|adjust) (?:the )?(?:{d})\w*",
         " monitor "),
        (r"\badjust (?:the )?(?:{d}) of [^.]*?\bas per standard (?:clinical )?practice\b", " "),
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
         r"\b(?:is|are|be|relatively|absolutely|strictly) contra-?indicated\b|\bcontra-?indicates\b"
         r"|^contra-?indicated\b"),
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
         r"\d\s*%[^.;]{0,40}?\b(?:{d}|reduction|increase|decrease)\b|\d\s*% of the (?:standard|normal|usual)\b"
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
         r"\bprescribe (?:≤|<=?|less than) ?\d|\b(?:maximum|max) (?:daily )?dose (?:of|for)\b|\bnot exceed\b"
         r"|\bas (?:a |the )?target dose\b"
         r"|\b(?:{d}) exceeding\b|\bstart(?:ing)? (?:at|with) (?:a )?(?:\d|low|lower|reduced)"),
        ("monitor", "caution",
         r"\bmonitor|\bcaution|\bbe (?:alert|aware|vigilant)\b|\baware of\b"
         r"|\bcarefully weigh|\bconsider evaluating\b|\bclose(?:ly)? (?:observation|follow)"
         r"|\b(?:must|should) be measured\b|\bmeasure (?:the )?(?:\w+ )?activity\b"),
        ("standard", "standard",
         r"\b(?:standard|usual|normal|recommended|desired|typical)"
         r" (?:starting |initial |daily |maintenance )?(?:{d})\b"
         r"|\binitiate (?:therapy|treatment) with\b|\blabel recommended\b"
         r"|\brecommendation for (?:treatment|therapy) with\b|\bshould guide (?:the )?use of\b"
         r"|\baccording to the (?:product |prescribing )?(?:label|information)\b|\bno action\b"
         r"|\bstandard of care\b|\bas directed\b|\bstandard (?:therapy|treatment|regimen)\b"),
    )
)

_NO_RECOMMENDATION = re.compile(
    r"^(?:none|n/?a|na|-|no recommendations?\b.*)$"
    r"|\bdoes not provide (?:a )?recommendations?\b|\bno recommendations? (?:is|are|can be) made\b"
    r"|\b(?:insufficient|not enough|minimal) (?:evidence|data) to (?:make|provide|give|support) (?:a )?recommendation"
    r"|\bno (?:action|recommendation) (?:is )?recommended based on genotype\b"
    r"|\b(?:remains|remain) to be (?:assessed|established|determined)\b|\bis not a valid input\b"
)
_QUOTES = "\"'“”‘’ \t\r\n"
_SPACES = re.compile(r"\s+")
FALLBACK_RULE = "unrecognised"

# A clause is a sentence, a semicolon part or a list item; each is read on its own.
_CLAUSES = re.compile(r"(?<=[.;!?])\s+|\n+|\s+\(?\d\)\s+|\s(?=\d\.\s)|(?<=:)\s+(?=for [^:]{1,60}:)")
# Clauses that apply only when the drug fails or harms (a dose change or a switch then is what
# any prescriber would do: caution), and clauses that keep the drug available as a fallback.
_ON_RESPONSE = re.compile(
    r"\b(?:if|when|in (?:the )?case of|in the event of|should)\b[^,:;]*?\b(?:"
    r"(?:does|do|did) not respond|no (?:response|effect)|not respond|inadequate|insufficient"
    r"|lack of (?:effect|response)"
    r"|poor response|side effects?|adverse (?:events?|effects?|reactions?)|toxicity|not tolerat|intoleran|is needed for"
    r"|needed for desired efficacy|needed for the desired|higher potency|effectiveness|efficacy is|liver enzymes"
    r"|levels are elevated|persist|does not work|not (?:wanted|desired|desirable)|is not effective"
    r"|(?:status|genotype|result) (?:is )?unknown"
    r"|could not be determined|not available)",
)
# "For tertiary amines, consider a 50% reduction of the starting dose" after "avoid tertiary amine use":
# the drug stays a fallback at a changed dose, as with "if a tertiary amine is warranted".
_FOR_FALLBACK = re.compile(r"^for [^,]{1,40},\s*consider\b")
_FALLBACK = re.compile(
    r"^(?:\d\.\s*)?(?:[^,]{0,40},\s*)?(?:if|when|in the event|in case|where|unless)\b[^.]*?\b"
    r"(?:warranted|appropriate|necessary|required"
    r"|not (?:considered )?(?:a )?suitable|no (?:suitable )?alternatives?|not possible|cannot be avoided|is indicated"
    r"|are contra-?indicated|is contra-?indicated|must be used|is chosen|is used|clinical advice"
    r"|not (?:wanted|desired|desirable))",
)
# Avoiding the drug, but only "if possible": a preference for another drug, not a prohibition.
_AVOID_IF_POSSIBLE = re.compile(
    r"\bavoid(?:ing)? [^.;]{0,60}?\bif (?:at all )?possible\b"
    r"|\bavoid(?:ing)? [^.;]{0,60}?\bif an? alternatives? (?:is|are) (?:available|possible)\b")
_OTHER_AGENT = re.compile(
    r"\b(?:consider|use|select|choose|prescribe|recommend(?:ed)?)\b(?: the use of| using)? (?:a |an )?"
    r"(?:non-[\w-]+|other|another|different)\b[^.;]{0,60}?\b(?:drugs?|agents?|opioids?|antidepressants?|statins?"
    r"|therap(?:y|ies)|treatments?|medications?|analgesics?|anticoagulants?|antiplatelets?)\b"
    r"|\bconsider (?:hormonal therapy|an? aromatase inhibitor)|^aromatase inhibitor"
    r"|\b(?:consider|use|select|choose) (?:a |an )?(?:clinically appropriate )?[\w-]+ not "
    r"(?:predominantly |primarily )?metaboli[sz]ed by\b"
)
_ACTIONS = {"avoid", "alternative", "adjust_dose", "caution"}
_SEVERITY = ("avoid", "alternative", "adjust_dose", "caution", "standard")


def normalise_text(text: str) -> str:
    """Quotes stripped, lowercase, single spaces: the form the rules read."""
    return _SPACES.sub(" ", text.strip(_QUOTES)).lower()


def rewrite(text: str) -> str:
    """Apply the negation and routine-wording rewrites to normalised text."""
    for pattern, replacement in REWRITES:
        text = pattern.sub(replacement, text)
    return text


def clauses(text: str) -> list[str]:
    """The text split into sentences, semicolon parts and list items (each stripped)."""
    return [part.strip(" -*•") for part in _CLAUSES.split(text) if part and part.strip(" -*•")]


def matches(clause: str) -> list[tuple[int, str, str]]:
    """(position, category, rule) of every rule that matches the clause, by position."""
    found = []
    for name, category, pattern in RULES:
        match = pattern.search(clause)
        if match:
            found.append((match.start(), category, name))
    other = _OTHER_AGENT.search(clause)
    if other:
        found.append((other.start(), "alternative", "other-agent"))
    return sorted(found)


def first_rule(clause: str) -> tuple[str, str] | None:
    """The clause's advice: when it offers options ("reduce the dose ... or select an alternative"),
    the first-listed one; when it joins advice for subgroups ("a standard dose ... and a dose
    reduction for *28/*28"), the most severe."""
    found = matches(clause)
    if not found:
        return None
    position, category, rule = found[0]
    for later, later_category, later_rule in found[1:]:
        if _OR.search(clause[position:later]):
            if category == "avoid" and later_category == "adjust_dose":
                category, rule = "alternative", "avoid-or-dose"  # "avoid X or start with a low dose"
            continue  # an option after the first one
        if _SEVERITY.index(later_category) < _SEVERITY.index(category):
            position, category, rule = later, later_category, later_rule
    return category, rule


def categorise(text: str | None, drug: str | None = None, drugs: frozenset[str] = frozenset()) -> tuple[str, str]:
    """(category, rule name) for one recommendation text, read clause by clause.

    - A clause that applies only when the drug fails or harms ("if no response, consider an
      alternative") or only in a case the genotype leaves open ("if thiopurines are required and
      NUDT15 status is unknown, monitor closely") does not set the category; when nothing else asks
      for action, it makes the text ``caution`` (rule ``conditional``).
    - A clause that keeps the drug available as a fallback ("if amitriptyline is warranted,
      consider a 50% reduction") turns an ``avoid`` into ``alternative`` (rule ``avoid-with-fallback``).
    - A numbered list introduced as options ("the following management options should be
      considered:") is read as options: the first item with advice decides.
    - A clause that avoids or rules out another drug ("use of atorvastatin is not recommended", in
      a simvastatin text) is advice about that drug, not this one: ``drug`` is the recommendation's
      drug and ``drugs`` the names of every known drug.
    - Among the other clauses the most severe action wins (advice split by indication or dose level
      is as strict as its strictest branch); inside one clause see ``first_rule``.
    """
    normal = normalise_text(text or "")
    if not normal or (_NO_RECOMMENDATION.search(normal) and not _advice_after(normal)):
        return "no_recommendation", "no-recommendation"
    normal = _AVOID_IF_POSSIBLE.sub(" choose an alternative ", normal)
    options = bool(_OPTION_LIST.search(normal))
    main: tuple[str, str] | None = None
    conditional = fallback_dose = in_condition = after_condition = False
    for clause in _separated(clauses(normal)):
        if _HEADING.match(clause):
            in_condition = False
        if _EVIDENCE.search(clause):
            continue  # what a study found, not advice
        rewritten = rewrite(clause)
        if _FALLBACK.search(clause) or _FOR_FALLBACK.search(clause):
            found = {c for _, c, _ in matches(rewritten)}
            fallback_dose = fallback_dose or bool(found & {"adjust_dose", "caution"})
            conditional = conditional or bool(found & _ACTIONS)
            continue
        if in_condition or _ON_RESPONSE.search(clause) or _CO_MEDICATION.match(clause) or (
                after_condition and _CONTINUES.match(clause)):
            conditional = conditional or any(c in _ACTIONS for _, c, _ in matches(rewritten))
            in_condition = in_condition or clause.endswith(":")
            after_condition = True
            continue
        after_condition = False
        found = first_rule(rewritten)
        if found is None or (found[0] == "avoid" and _about_another_drug(clause, drug, drugs)):
            continue
        if main is not None and (_EITHER_OR.match(clause) or (options and main[0] != "standard")):
            continue  # a later option: the first-listed one decides
        if main is None or _SEVERITY.index(found[0]) < _SEVERITY.index(main[0]):
            main = found
    if main is not None and main[0] == "avoid" and fallback_dose:
        return "alternative", "avoid-with-fallback"
    if main is not None and main[0] in _ACTIONS:
        return main
    if conditional:
        return "caution", "conditional"
    if main is not None:
        return main
    if not _INSTRUCTION.search(normal):
        return "no_recommendation", "statement-only"
    return "caution", FALLBACK_RULE


def _about_another_drug(clause: str, drug: str | None, drugs: frozenset[str]) -> bool:
    """Whether the clause rules out another known drug by name ("use of atorvastatin is not
    recommended"), not this one. Only that exact shape: "avoid 5-fluorouracil" in a capecitabine
    text is about capecitabine too, and must stay an avoid."""
    match = _NOT_RECOMMENDED_OTHER.search(clause)
    return bool(match and drug and match.group(1) != drug and match.group(1) in drugs)


_NOT_RECOMMENDED_OTHER = re.compile(r"^(?:the )?use of ([a-z][a-z0-9-]+) (?:is|are) not recommended\b")


def _separated(parts: list[str]) -> list[str]:
    """Split a clause where a sentence without its full stop runs into a leading condition
    ('... guidelines if dose >20mg needed for desired efficacy, consider ...')."""
    out = []
    for part in parts:
        match = _ON_RESPONSE.search(part)
        if match and match.start() > 0 and _LEADING_CONDITION_THEN.search(part, match.start()):
            out += [part[:match.start()].strip(), part[match.start():]]
        else:
            out.append(part)
    return [part for part in out if part]


def _advice_after(text: str) -> bool:
    """Whether a 'no recommendation' text still goes on to give a dose (ondansetron: 'insufficient
    evidence ... initiate therapy with recommended starting dose')."""
    return any(first_rule(rewrite(clause)) and not _NO_RECOMMENDATION.search(clause)
               for clause in clauses(text))


_OR = re.compile(r"\bor\b")
_EITHER_OR = re.compile(r"^or\b")
_CO_MEDICATION = re.compile(
    r"^(?:co-?medication|in combination|when combined|with (?:both )?(?:a )?(?:moderate|strong))")
_CONTINUES = re.compile(r"^(?:do not exceed|and then|then)\b")
_LEADING_CONDITION_THEN = re.compile(r",\s*(?:consider|use|choose|select|try|reduce|increase|switch|prescribe)\b")
_EVIDENCE = re.compile(r"\b(?:was|were|has been|have been) (?:sufficient|shown|reported|observed|found|associated)\b"
                       r"|^in \d+ \w+ (?:patients|adults|children|subjects)\b")
# An instruction: a modal or advice word anywhere, or an imperative verb opening a clause. A text
# with none only states an effect ("the variation results in higher concentrations").
_INSTRUCTION = re.compile(
    r"\b(?:should|must|consider|recommend\w*|advis\w*|need to|do not|don't|take into account"
    r"|be (?:alert|aware|careful))\b"
    r"|(?:^|[.;:]\s*|\d\.\s*)(?:use|prescribe|give|start|initiate|choose|select|try|avoid|reduce|increase"
    r"|decrease|adjust|monitor|check|measure|test|switch|stop|discontinue|determine)\b")
_HEADING = re.compile(r"^for [^:]{1,60}:")
_OPTION_LIST = re.compile(r"\b(?:following|these) (?:management |treatment )?options\b")
