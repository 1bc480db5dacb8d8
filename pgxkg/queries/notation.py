"""The grammar of genotype notation: how labs, typers, PharmCAT and people write genotypes.

Only the *rules* live here (HLA fields, CYP2D6 ``xN`` and ``+``, PharmCAT's ``[a + b]``,
activity-score phrasing, phenotype abbreviations, names derived from a data name). No allele
name is hard-coded: the names themselves come from the graph (``vocabulary.py``), and these
rules say how a written form relates to them. Pure functions, no database; the README section
"Genotype notation" documents the same grammar with examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- text hygiene ---------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Trimmed, single-spaced, without byte-order marks or zero-width characters."""
    text = str(text)
    if not text.isascii():  # the characters removed are all outside ASCII
        text = text.translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def fold(name: str) -> str:
    """The form names are compared in: case-free, single-spaced, ``->`` read as ``>``
    (CFTR's legacy ``2789+5G->A`` is ``2789+5G>A``), spaces around ``>`` and ``+`` dropped."""
    text = clean(name).lower().replace("->", ">").replace("×", "x").replace(">=", "≥")
    return re.sub(r"\s*([>+,])\s*", r"\1", text)


# --- items: "GENE VALUE" ----------------------------------------------------------------------

_ITEM = re.compile(r"^(?P<gene>[A-Za-z][\w.-]*?)(?:\s*[=:]\s*|\s+|(?=\*))(?P<value>\S.*)$")


def split_item(text: str) -> tuple[str, str] | None:
    """``CYP2C19 *2/*17``, ``CYP2C19=*2/*17``, ``CYP2C19: *2/*17``, ``CYP2C19*2/*17`` and
    ``HLA-B*57:01`` -> (gene, value); None when there is no value."""
    match = _ITEM.match(clean(text))
    return (match.group("gene"), match.group("value")) if match else None


def strip_gene(gene: str, allele: str) -> str:
    """``CYP2D6*4`` -> ``*4``; ``CYP2D6 *4`` -> ``*4``; HLA ``B*57:01`` / ``HLA-B*57:01`` -> ``*57:01``."""
    allele = clean(allele)
    upper = allele.upper()
    for prefix in (gene.upper(), gene.upper().removeprefix("HLA-")):
        if prefix and upper.startswith(prefix) and len(allele) > len(prefix):
            rest = allele[len(prefix):].lstrip()
            if rest.startswith("*") or (rest and allele[len(prefix)] == " "):
                return rest
    return allele


# --- fact shapes ----------------------------------------------------------------------------

_ACTIVITY = re.compile(
    r"^(?:(?:gene\s+)?(?:activity\s*score|activity|score|as)\s*(?:of|is|=|:)?\s*)?"
    r"(?P<at_least>≥|>=|>\s*=)?\s*(?P<score>\d+(?:[.,]\d+)?)$", re.IGNORECASE)
_STATUS = re.compile(r"^(?P<allele>\S.*?)\s*[:=]?\s+(?P<status>positive|negative|present|absent|"
                     r"not detected|detected|pos|neg)$", re.IGNORECASE)
_NO_CALL = re.compile(r"^(?:\.|\./\.|unknown(?:\s*/\s*unknown)?|no ?call|no result|not tested|n/?a)$",
                      re.IGNORECASE)
_OR = re.compile(r"\s+or\s+", re.IGNORECASE)
_POSITIVE = {"positive", "present", "detected", "pos"}


def activity(value: str) -> tuple[float, bool] | None:
    """``1.25``, ``AS 1.25``, ``activity score: 1.25``, ``Activity Score 1.0``, ``score=2``, ``≥3`` ->
    (score, at_least); None when ``value`` is not an activity score."""
    match = _ACTIVITY.match(clean(value))
    if not match:
        return None
    return float(match.group("score").replace(",", ".")), bool(match.group("at_least"))


def status(value: str) -> tuple[str, bool] | None:
    """``*57:01 positive`` / ``*57:01 negative`` / ``*57:01 detected`` -> (allele, present)."""
    match = _STATUS.match(clean(value))
    if not match:
        return None
    return match.group("allele"), match.group("status").lower() in _POSITIVE


def is_no_call(value: str) -> bool:
    """``.``, ``./.``, ``Unknown/Unknown``, ``no call``, ``n/a``: the gene was not called."""
    return bool(_NO_CALL.match(clean(value)))


def alternatives(value: str) -> list[str]:
    """PharmCAT's ``*1/*2 or *2/*3`` (an uncertain call) -> its options; one item when certain."""
    return [part for part in _OR.split(clean(value)) if part]


def separators(value: str) -> list[int]:
    """Positions of ``/`` or ``|`` outside ``[...]``: where a diplotype may split in two.

    Several positions happen with allele names that contain a slash (G6PD ``Kobe/Tenri``);
    the vocabulary decides which split names two known alleles.
    """
    depth, found = 0, []
    for index, char in enumerate(value):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char in "/|" and depth == 0:
            found.append(index)
    return found


# --- haplotypes: structures and combinations ----------------------------------------------------

@dataclass(frozen=True)
class Part:
    """One component of a haplotype: an allele name and how many copies of it (``*2x3``)."""

    name: str
    copies: int = 1
    at_least: bool = False  # xN (N >= 2 copies) or x≥3: the count is a lower bound

    def text(self) -> str:
        if self.copies == 1 and not self.at_least:
            return self.name
        count = "N" if self.at_least and self.copies == 2 else \
            (f"≥{self.copies}" if self.at_least else str(self.copies))
        return f"{self.name}x{count}"


@dataclass(frozen=True)
class Haplotype:
    """What one chromosome carries: one allele, a duplication (``*2x2``), a tandem or hybrid
    arrangement (``*36+*10``), or PharmCAT's combination of variants found together (``[a + b]``)."""

    parts: tuple[Part, ...]
    combination: bool = False

    def text(self) -> str:
        if self.combination:
            return "[" + " + ".join(p.text() for p in self.parts) + "]"
        return "+".join(p.text() for p in self.parts)

    @property
    def simple(self) -> bool:
        return len(self.parts) == 1 and self.parts[0].copies == 1 and not self.parts[0].at_least


_COPIES = re.compile(r"^(?P<name>\S+?)\s*[x×]\s*(?P<count>\d+|[Nn]|(?:≥|>=)\s*\d+)$")
_COMBINATION = re.compile(r"^\[(?P<inner>.+)\]$")


def combination(text: str) -> list[str] | None:
    """``[c.85T>C (*9A) + c.496A>G]`` -> its variant names; None when not bracketed."""
    match = _COMBINATION.match(clean(text))
    if not match:
        return None
    names = [clean(part) for part in re.split(r"\s+\+\s+|\s*\+\s*(?=[*\[c.mgrA-Z])", match.group("inner"))]
    return names if all(names) else None


def structure(text: str) -> list[Part] | None:
    """CPIC/PharmVar structural notation -> its parts; None when ``text`` has no structure.

    ``*1x2`` (two copies), ``*2xN`` (N >= 2, count unknown), ``*4x≥3`` (three or more),
    ``*36+*10`` and ``*68+*4`` (tandem and hybrid arrangements, one part per gene copy),
    ``*36x2+*10`` (both). Raises ValueError for a broken structure (``*1x``, ``*36+``).
    """
    text = clean(text)
    if "+" not in text and not re.search(r"\d\s*[x×]", text):
        return None
    parts = []
    for piece in text.split("+"):
        piece = piece.strip()
        if not piece:
            raise ValueError(f"{text!r}: an empty part in a tandem arrangement")
        match = _COPIES.match(piece)
        if not match:
            if re.search(r"[x×]\s*$", piece):
                raise ValueError(f"{text!r}: a duplication needs a copy number (x2, x3, xN, x≥3)")
            parts.append(Part(piece))
            continue
        count = match.group("count").replace(" ", "")
        if count in ("N", "n"):
            parts.append(Part(match.group("name"), 2, at_least=True))
        elif count.startswith(("≥", ">=")):
            parts.append(Part(match.group("name"), int(count.lstrip("≥>=")), at_least=True))
        elif int(count) < 1:
            raise ValueError(f"{text!r}: a copy number must be at least 1")
        else:
            parts.append(Part(match.group("name"), int(count)))
    return parts


# --- HLA ------------------------------------------------------------------------------------

_HLA = re.compile(r"^(?:HLA-)?(?:[A-Z]+\d?)?\*?(?P<fields>\d{2}(?::\d{2,4}){0,3}|\d{4,8})(?P<suffix>[NLSCAQGP]?)$",
                  re.IGNORECASE)


@dataclass(frozen=True)
class HlaAllele:
    """An HLA allele at any resolution: ``*57`` (allele group), ``*57:01`` (protein), ``*57:01:01``,
    ``*57:01:01:02`` (synonymous, non-coding fields)."""

    fields: tuple[str, ...]
    suffix: str = ""

    @property
    def name(self) -> str:
        return "*" + ":".join(self.fields) + self.suffix

    @property
    def group(self) -> str | None:
        """The two-field group rules test (``*57:01:01:02`` -> ``*57:01``); None for ``*57``."""
        return "*" + ":".join(self.fields[:2]) if len(self.fields) >= 2 else None

    def could_be(self, tested: HlaAllele) -> bool:
        """Whether this allele may belong to ``tested``'s group (a one-field ``*57`` may be ``*57:01``)."""
        shared = min(len(self.fields), len(tested.fields))
        return self.fields[:shared] == tested.fields[:shared]


def hla(text: str) -> HlaAllele | None:
    """``*57:01:01``, ``57:01``, ``B*57:01``, ``HLA-B*57:01:01:02N``, ``*57:01:01G`` -> an HlaAllele.

    The notation before 2010 wrote no colons: ``B*5701`` is ``*57:01``, ``*570101`` ``*57:01:01``
    (two digits a field; an odd number of digits cannot be split and is not read). An allele group
    alone has two digits (``*57``)."""
    match = _HLA.match(clean(text).replace(" ", ""))
    if not match:
        return None
    written = match.group("fields")
    if ":" in written or len(written) <= 2:
        fields = tuple(written.split(":"))
    elif len(written) % 2 == 0:
        fields = tuple(written[i:i + 2] for i in range(0, len(written), 2))
    else:
        return None
    return HlaAllele(fields, match.group("suffix").upper())


def is_hla_gene(symbol: str) -> bool:
    """HGNC names the HLA genes ``HLA-*``."""
    return symbol.upper().startswith("HLA-")


def is_mitochondrial(symbol: str) -> bool:
    """HGNC names mitochondrially encoded genes ``MT-*``: one genome per cell, one allele written."""
    return symbol.upper().startswith("MT-")


# --- rsID genotypes and variant names ---------------------------------------------------------

_RSID = re.compile(r"^rs\d+$", re.IGNORECASE)
_BASE = r"(?:[ACGTN]+|del|ins|-)"
_BASES = re.compile(rf"^(?P<a>{_BASE})\s*[/|]?\s*(?P<b>{_BASE})?$", re.IGNORECASE)
_PHARMCAT_VARIANT = re.compile(r"^(?P<rsid>rs\d+)\s+(?P<kind>reference|variant)\s*\((?P<base>[^)]+)\)$",
                               re.IGNORECASE)
_ZYGOSITY = re.compile(r"^(?P<variant>\S.*?)\s*[:(]?\s*(?P<z>heterozygous|homozygous|hemizygous|het|hom)\)?$",
                       re.IGNORECASE)


def is_rsid(text: str) -> bool:
    return bool(_RSID.match(clean(text)))


def bases(text: str) -> tuple[str, str] | None:
    """``C/T``, ``CT``, ``C|T``, ``del/del``, ``A/del`` -> the two bases (``-`` read as ``del``)."""
    match = _BASES.match(clean(text).replace(" ", ""))
    if not match:
        return None
    first, second = match.group("a"), match.group("b")

    def norm(base: str) -> str:
        return "del" if base.lower() in ("-", "del") else ("ins" if base.lower() == "ins" else base.upper())

    if second is None:
        if len(first) != 2 or not first.isalpha() or first.lower() in ("-", "del", "ins"):
            return None
        first, second = first[0], first[1]
    return norm(first), norm(second)


def pharmcat_variant(text: str) -> tuple[str, str, str] | None:
    """PharmCAT's single-variant allele names: ``rs9923231 reference (C)`` / ``rs9923231 variant (T)``
    -> (rsid, "reference" or "variant", base)."""
    match = _PHARMCAT_VARIANT.match(clean(text))
    if not match:
        return None
    return match.group("rsid").lower(), match.group("kind").lower(), match.group("base").strip().upper()


def zygosity(text: str) -> tuple[str, str] | None:
    """``-1639G>A heterozygous`` / ``rs9923231 (hom)`` -> (variant, "het" or "hom")."""
    match = _ZYGOSITY.match(clean(text))
    if not match:
        return None
    word = match.group("z").lower()
    return match.group("variant"), "het" if word.startswith("het") else "hom"


_LEGACY = re.compile(r"^(?P<pos>[-+*]?\d+(?:[-+]\d+)?)\s*(?P<ref>[ACGT]+)\s*>\s*(?P<alt>[ACGT]+)$", re.IGNORECASE)
_LEGACY_GENOTYPE = re.compile(r"^(?P<pos>[-+*]?\d+(?:[-+]\d+)?)\s*(?P<bases>[ACGT]{2}|[ACGT]\s*/\s*[ACGT])$",
                              re.IGNORECASE)


def legacy_variant(name: str) -> tuple[str, str, str] | None:
    """A legacy variant name such as VKORC1 ``-1639G>A`` -> (position, ref, alt) as the name writes them."""
    match = _LEGACY.match(clean(name).removeprefix("c.").removeprefix("g."))
    if not match:
        return None
    return match.group("pos"), match.group("ref").upper(), match.group("alt").upper()


def legacy_genotype(text: str) -> tuple[str, tuple[str, str]] | None:
    """``-1639 GA``, ``-1639 G/A``, ``-1639GG`` (PharmCAT writes VKORC1 phenotypes so) -> (position, bases)."""
    match = _LEGACY_GENOTYPE.match(clean(text))
    if not match:
        return None
    found = bases(match.group("bases"))
    return (match.group("pos"), found) if found else None


# --- names derived from a data name ----------------------------------------------------------

_PAREN = re.compile(r"^(?P<base>.+?)\s*\((?P<alias>[^()]+)\)$")
_ALIAS = re.compile(r"^\*?[\w.+>-]+$")
_HGVS_PREFIX = re.compile(r"^[cgmnpr]\.(?=[-*\d])")
_VARIANT_LIKE = re.compile(r"(^[cgmnpr]\.|^rs\d|>)")


def derived_names(name: str) -> list[str]:
    """Other names a data name answers to, by rule (the vocabulary keeps those that stay unique):

    - ``c.1905+1G>A (*2A)`` -> ``c.1905+1G>A`` and ``*2A`` (HGVS with or without the star name);
      ``... (HapB3)`` -> ``HapB3``; ``B (reference)`` -> ``B``;
    - an HGVS name without its coordinate prefix: ``c.1905+1G>A`` -> ``1905+1G>A``,
      ``m.1555A>G`` -> ``1555A>G`` (PharmCAT writes MT-RNR1 so);
    - a list of names: G6PD ``Seattle, Lodi, Modena`` -> each of them (not lists of variants).
    """
    out: list[str] = []
    base = clean(name)
    if pharmcat_variant(base):  # read by rule (``pharmcat_variant``), not as a name
        return []
    match = _PAREN.match(base)
    if match:
        base = match.group("base")
        out.append(base)
        alias = match.group("alias").strip()
        if _ALIAS.match(alias) and alias.lower() not in ("reference", "variant") and not bases(alias):
            out.append(alias)
    if _HGVS_PREFIX.match(base):
        out.append(_HGVS_PREFIX.sub("", base))
    if "," in base:
        pieces = [p.strip() for p in base.split(",") if p.strip()]
        if len(pieces) > 1 and not any(_VARIANT_LIKE.search(p) for p in pieces):
            out.extend(pieces)
    return [n for n in dict.fromkeys(out) if n and n != name]


# --- phenotypes -------------------------------------------------------------------------------

_SPELLINGS = ((re.compile(r"metaboli[sz]er"), "metabolizer"), (re.compile(r"ultra[- ]rapid"), "ultrarapid"),
              (re.compile(r"\bextensive\b"), "normal"), (re.compile(r"^em$"), "nm"))


def phenotype_key(gene: str, text: str) -> str:
    """The form phenotypes are matched in: without the gene symbol (``G6PD Deficient`` and
    ``Deficient`` agree), case-free, British or American spelling, CPIC's 2017 terms
    (an "extensive metabolizer" is a normal metabolizer)."""
    key = clean(text).lower()
    for symbol in {gene.lower(), gene.lower().replace("-", "")}:
        key = re.sub(rf"(?<![\w-]){re.escape(symbol)}(?![\w-])", " ", key)
    for pattern, replacement in _SPELLINGS:
        key = pattern.sub(replacement, key)
    return clean(key.strip(" :-"))


def abbreviation(key: str) -> str | None:
    """Initials of a phenotype's words (``poor metabolizer`` -> ``pm``, ``decreased function`` ->
    ``df``); None for a one-word phenotype."""
    words = re.findall(r"[a-z]+", key)
    return "".join(w[0] for w in words) if len(words) > 1 else None
