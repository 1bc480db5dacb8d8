"""Genotype facts read against the data's names: which alleles, structures, phenotypes, scores.

``genotype_input`` decided each item's shape; here the vocabulary (the data's names) says what
it means: ``DPYD *2A`` is ``c.1905+1G>A (*2A)``, ``rs9923231 C/T`` is VKORC1
``Reference/rs9923231``, ``*2xN`` is two or more copies of ``*2``, ``Kobe/Tenri/B`` splits after
``Kobe/Tenri``. Facts are grouped per gene for ``phenotype.py``, which derives phenotypes and
refuses contradictions. No database: the vocabulary is in memory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pgxkg.errors import InvalidInput
from pgxkg.queries import notation
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.memo import KEEP_CHARS, kept
from pgxkg.queries.vocabulary import GeneVocabulary, Vocabulary


@dataclass(frozen=True)
class ReadAllele:
    """One haplotype as read: its parts named as the data name them (HLA names at the written
    resolution), and the data name of the whole when the data know it as one allele
    (``*1x2``, UGT1A1 ``*80+*28``)."""

    written: str
    haplotype: notation.Haplotype
    name: str | None = None
    hla: notation.HlaAllele | None = None

    def text(self) -> str:
        return self.name or self.haplotype.text()

    @property
    def names(self) -> list[str]:
        """Every allele of the data this haplotype carries (for carrier conditions)."""
        return list(dict.fromkeys(([self.name] if self.name else []) + [p.name for p in self.haplotype.parts]))


@dataclass
class Fact:
    """One item read. ``kind``: call (one or two haplotypes), phenotype, activity, status (HLA),
    genotype (bases at an rsID the gene's alleles do not spell out), missing (no call, an
    uncertain call, or what the data cannot read: ``reason`` says which)."""

    item: GeneInput
    kind: str
    alleles: tuple[ReadAllele, ...] = ()
    phenotype: str | None = None
    score: float | None = None
    at_least: bool = False
    hla: notation.HlaAllele | None = None
    present: bool | None = None
    rsid: str | None = None
    bases: tuple[str, str] | None = None
    notes: list[str] = field(default_factory=list)
    reason: str | None = None


@dataclass
class GeneFacts:
    """Every fact given about one gene (or about one rsID whose gene's alleles do not spell it out)."""

    gene: GeneVocabulary | None
    symbol: str
    facts: list[Fact] = field(default_factory=list)


def read_items(vocab: Vocabulary, items: list[GeneInput]) -> list[GeneFacts]:
    """Group ``items`` per gene and read each; raises InvalidInput (naming the item and where it was).

    An item the data cannot read is an error, except when another fact settles the gene (a
    diplotype with an unknown allele next to a phenotype: the phenotype is used, the diplotype
    listed with the reason) or when it comes from a result file (``advisory``).
    """
    groups: dict[str, GeneFacts] = {}
    failures: dict[str, list[tuple[GeneInput, InvalidInput]]] = defaultdict(list)
    readings = kept(vocab.readings)
    for item in items:
        try:
            key, gene, symbol, fact = _read_kept(vocab, readings, item)
        except InvalidInput as error:
            error = _located(error, item)
            gene = _gene_or_none(vocab, item.gene)
            if gene is None and not item.advisory:
                raise error from None
            key = symbol = gene.symbol if gene else notation.clean(item.gene)
            if not item.advisory:
                failures[key].append((item, error))
                groups.setdefault(key, GeneFacts(gene, symbol))
                continue
            fact = Fact(item, "missing", reason=_unreadable(item, error))
        groups.setdefault(key, GeneFacts(gene, symbol)).facts.append(fact)
    for key, errors in failures.items():
        settled = [f for f in groups[key].facts if f.kind in ("phenotype", "activity") and not f.item.advisory]
        if not settled:
            raise errors[0][1]
        groups[key].facts += [Fact(item, "missing", reason=_unreadable(item, error)) for item, error in errors]
    return list(groups.values())


def _read_kept(vocab: Vocabulary, readings: dict, item: GeneInput) -> tuple[str, GeneVocabulary | None, str, Fact]:
    """``_read``, kept per item: a Fact is not changed once read, so the next genotype's same item shares it.
    An item longer than KEEP_CHARS (a tandem of hundreds of copies) is read anew each time."""
    if len(item.value) > KEEP_CHARS:
        return _read(vocab, item)
    try:
        reading = readings.get(item)
    except TypeError:  # a list where GeneInput has a tuple: not kept, read anew
        return _read(vocab, item)
    if reading is None:
        reading = readings[item] = _read(vocab, item)
    return reading


def _located(error: InvalidInput, item: GeneInput) -> InvalidInput:
    if not item.origin or error.message.startswith(item.origin):
        return error
    return InvalidInput(f"{item.origin}: {error.message}", error.suggestions)


def _unreadable(item: GeneInput, error: InvalidInput) -> str:
    message = error.message.removeprefix(f"{item.origin}: ") if item.origin else error.message
    hint = f" (near: {', '.join(error.suggestions[:3])})" if error.suggestions else ""
    return f"{item.value!r} cannot be read: {message}{hint}"


def _gene_or_none(vocab: Vocabulary, symbol: str) -> GeneVocabulary | None:
    try:
        return vocab.gene(symbol) if not notation.is_rsid(symbol) else None
    except InvalidInput:
        return None


def _read(vocab: Vocabulary, item: GeneInput) -> tuple[str, GeneVocabulary | None, str, Fact]:
    """(group key, gene vocabulary, gene symbol, the fact)."""
    if item.kind == "rsid":
        return _read_rsid(vocab, item)
    gene = vocab.gene(item.gene)
    return gene.symbol, gene, gene.symbol, _read_gene_fact(vocab, gene, item)


def _read_gene_fact(vocab: Vocabulary, gene: GeneVocabulary, item: GeneInput) -> Fact:
    if item.kind == "nocall":
        return Fact(item, "missing", reason=f"not called ({item.value})")
    if item.kind == "uncertain":
        readable = [_read_gene_fact(vocab, gene, GeneInput(gene.symbol, "diplotype", option, origin=item.origin,
                                                           advisory=item.advisory))
                    for option in item.options if notation.separators(option)]
        shown = " or ".join(r.alleles[0].text() + "/" + r.alleles[1].text() for r in readable) or item.value
        return Fact(item, "missing", reason=f"an uncertain call ({shown}): the rules need one diplotype")
    if item.kind == "activity":
        assert item.score is not None
        return Fact(item, "activity", score=item.score, at_least=item.at_least)
    if item.kind == "status":
        return _read_status(vocab, gene, item)
    if item.kind == "diplotype":
        return _read_diplotype(vocab, gene, item)
    if item.kind == "allele":
        return _lone(gene, item, read_haplotype(vocab, gene, item.value))
    return _read_term(vocab, gene, item)


def _read_status(vocab: Vocabulary, gene: GeneVocabulary, item: GeneInput) -> Fact:
    written = item.alleles[0]
    if gene.is_hla:
        parsed = notation.hla(notation.strip_gene(gene.symbol, written))
        if parsed is None:
            raise InvalidInput(f"{gene.symbol}: {written!r} is not an HLA allele like '*57:01'")
        return Fact(item, "status", hla=parsed, present=item.positive)
    if item.positive:
        return _lone(gene, item, read_haplotype(vocab, gene, written))
    raise InvalidInput(f"{gene.symbol}: a negative allele status is read for HLA genes only; "
                       f"give {gene.symbol}'s diplotype or phenotype")


def _read_diplotype(vocab: Vocabulary, gene: GeneVocabulary, item: GeneInput) -> Fact:
    """Both halves named by the data, at the one separator where that holds (G6PD names have slashes)."""
    value = notation.strip_gene(gene.symbol, item.value)
    cuts = notation.separators(value)
    first_error: InvalidInput | None = None
    readings = []
    for cut in cuts:
        left, right = value[:cut].strip(), value[cut + 1:].strip()
        if not left or not right:
            continue
        try:
            readings.append((read_haplotype(vocab, gene, left), read_haplotype(vocab, gene, right)))
        except InvalidInput as error:
            first_error = first_error or error
    if not readings:
        if first_error is not None:
            raise first_error
        raise InvalidInput(f"{gene.symbol}: {item.value!r} is not a diplotype like '*1/*2'")
    given = [r for r in readings if (r[0].written, r[1].written) == tuple(item.alleles)]
    if len(readings) > 1 and given:  # the caller split it (VCF calls of G6PD names with slashes)
        readings = given
    if len(readings) > 1:
        shown = " or ".join(f"{a.text()} + {b.text()}" for a, b in readings)
        raise InvalidInput(f"{gene.symbol}: {item.value!r} splits into two alleles in several ways ({shown})")
    first, second = readings[0]
    return Fact(item, "call", alleles=(first, second), notes=_how(first, second))


def _lone(gene: GeneVocabulary, item: GeneInput, allele: ReadAllele) -> Fact:
    """One allele written alone: present (HLA), the only genome (mitochondrial), else one of two
    alleles with the other not given."""
    if notation.is_mitochondrial(gene.symbol) and not allele.haplotype.combination:
        return Fact(item, "call", alleles=(allele, allele),
                    notes=[*_how(allele), f"{allele.text()}: one mitochondrial genome, read as "
                                          f"{allele.text()}/{allele.text()}"])
    return Fact(item, "call", alleles=(allele,), notes=_how(allele))


def _how(*alleles: ReadAllele) -> list[str]:
    notes = []
    for allele in alleles:
        if allele.text() != notation.clean(allele.written) and allele.written:
            notes.append(f"{allele.written!r} read as {allele.text()}")
    return list(dict.fromkeys(notes))


def read_haplotype(vocab: Vocabulary, gene: GeneVocabulary, written: str) -> ReadAllele:
    """One haplotype: a data name (or a name the data's names answer to), an HLA allele at any
    resolution, PharmCAT's ``[a + b]``, or a structure (``*2xN``, ``*36+*10``) of known alleles.
    Raises InvalidInput: an unknown allele (with near matches), or a broken structure."""
    text = notation.strip_gene(gene.symbol, written)
    if gene.is_hla and (parsed := notation.hla(text)):
        return ReadAllele(written, notation.Haplotype((notation.Part(parsed.name),)),
                          parsed.name if parsed.name in gene.alleles else None, parsed)
    names = notation.combination(text)
    if names is not None:
        parts = tuple(notation.Part(vocab.allele_name(gene, n)[0]) for n in names)
        return ReadAllele(written, notation.Haplotype(parts, combination=True))
    try:
        name, _ = vocab.allele_name(gene, text)
    except InvalidInput as unknown:
        try:
            parts = notation.structure(text)
        except ValueError as broken:
            raise InvalidInput(f"{gene.symbol}: cannot read the structure {text!r} ({broken}); write "
                               "duplications as *1x2, *2xN or *4x≥3 and tandems as *36+*10") from None
        if parts is None:
            raise unknown from None
        known = []
        for part in parts:
            try:
                known.append(notation.Part(vocab.allele_name(gene, part.name)[0], part.copies, part.at_least))
            except InvalidInput as error:
                raise InvalidInput(f"{gene.symbol}: unknown allele {part.name!r} in the structure {text!r}",
                                   error.suggestions) from None
        return ReadAllele(written, notation.Haplotype(tuple(known)))
    try:
        parts = notation.structure(name)
    except ValueError:
        parts = None
    if parts and not (len(parts) == 1 and parts[0].copies == 1 and not parts[0].at_least):
        try:
            known = tuple(notation.Part(vocab.allele_name(gene, p.name)[0], p.copies, p.at_least) for p in parts)
            return ReadAllele(written, notation.Haplotype(known), name)
        except InvalidInput:
            pass  # a data name that only looks structural (UGT1A1 *80+*28 is one allele)
    return ReadAllele(written, notation.Haplotype((notation.Part(name),)), name)


def _read_term(vocab: Vocabulary, gene: GeneVocabulary, item: GeneInput) -> Fact:
    """A term: a phenotype; else a variant's genotype (``-1639 GA``), a variant with its zygosity
    (``-1639G>A heterozygous``), or one allele or variant alone (``*2A``, ``-1639G>A``)."""
    named = gene.named_genotypes.get(notation.phenotype_key(gene.symbol, item.value))
    if named:
        fact = _read_diplotype(vocab, gene, GeneInput(gene.symbol, "diplotype", named, origin=item.origin,
                                                      advisory=item.advisory))
        fact.item = item
        fact.notes = [f"{item.value!r} is the data's phenotype name for {gene.symbol} {named}"]
        return fact
    try:
        row = vocab.phenotype(gene, item.value)
        return Fact(item, "phenotype", phenotype=row["name"])
    except InvalidInput as not_phenotype:
        phenotype_error = not_phenotype
    legacy = notation.legacy_genotype(item.value)
    if legacy:
        found = _legacy_variant(gene, legacy[0])
        if found:
            return _bases_fact(gene, item, found[0], tuple(found[1].get(b, b) for b in legacy[1]))  # type: ignore[arg-type]
    zygous = notation.zygosity(item.value)
    if zygous:
        allele = read_haplotype(vocab, gene, zygous[0])
        reference = gene.reference_name
        if reference is None or allele.name == reference:
            raise InvalidInput(f"{gene.symbol}: {item.value!r}: a zygosity is read for variants of genes "
                               "with a reference allele")
        other = ReadAllele("", notation.Haplotype((notation.Part(reference),)), reference)
        pair = (other, allele) if zygous[1] == "het" else (allele, allele)
        return Fact(item, "call", alleles=pair, notes=[f"{item.value!r} read as {pair[0].text()}/{pair[1].text()}"])
    try:
        return _lone(gene, item, read_haplotype(vocab, gene, item.value))
    except InvalidInput as not_allele:
        raise InvalidInput(f"unknown phenotype or allele {item.value!r} for {gene.symbol}",
                           phenotype_error.suggestions[:5] + not_allele.suggestions[:3]) from None


def _legacy_variant(gene: GeneVocabulary, position: str) -> tuple[str, dict[str, str]] | None:
    """The gene's variant with a legacy name at ``position`` (``-1639`` -> rs9923231), and how the
    name's bases (gene strand) map to the variant's GRCh38 bases."""
    for key, rsid in gene.variant_names.items():
        legacy = notation.legacy_variant(key.upper())
        variant = gene.variants.get(rsid)
        if legacy and legacy[0] == position and variant and variant.ref and variant.alt:
            return rsid, {legacy[1]: variant.base(variant.ref), legacy[2]: variant.base(variant.alt[0])}
    return None


def _read_rsid(vocab: Vocabulary, item: GeneInput) -> tuple[str, GeneVocabulary | None, str, Fact]:
    if notation.is_rsid(item.gene):
        rsid, claimed = item.gene.lower(), None
    else:
        rsid, claimed = item.value.split(None, 1)[0].lower(), vocab.gene(item.gene)
    symbol = vocab.rsid_gene(rsid)
    gene = vocab.genes.get(symbol or "")
    if claimed is not None and claimed.symbol != symbol and rsid not in claimed.variants:
        raise InvalidInput(f"{rsid} is not a variant of {claimed.symbol}" + (f" (it lies in {symbol})" if symbol
                                                                             else ""))
    gene = claimed or gene
    bases = (item.alleles[0], item.alleles[1])
    variant = vocab.variants.get(rsid)
    if variant and variant.ref and variant.alt:
        allowed = {variant.base(variant.ref), *(variant.base(a) for a in variant.alt), "del", "ins"}
        wrong = [b for b in bases if b not in allowed]
        if wrong:
            raise InvalidInput(f"{rsid}: {'/'.join(bases)} has {', '.join(wrong)}, but the variant is "
                               f"{variant.ref}>{','.join(variant.alt)} on GRCh38")
    if gene is not None:
        fact = _bases_fact(gene, item, rsid, bases)
        if fact.kind == "call":
            return gene.symbol, gene, gene.symbol, fact
    fact = Fact(item, "genotype", rsid=rsid, bases=bases)
    return f"rsid:{rsid}", gene, symbol or rsid, fact


def _bases_fact(gene: GeneVocabulary, item: GeneInput, rsid: str, bases: tuple[str, str]) -> Fact:
    """Bases at a variant: a diplotype when the gene's alleles spell it out (VKORC1: C/T is
    Reference/rs9923231), else the genotype at that rsID."""
    if gene.is_variant_gene and set(gene.variants) == {rsid}:
        alleles = [gene.allele_with_variant(rsid, base) for base in bases]
        if all(alleles):
            read = tuple(ReadAllele("", notation.Haplotype((notation.Part(a.name),)), a.name)
                         for a in alleles if a)
            return Fact(item, "call", alleles=read, rsid=rsid, bases=bases,
                        notes=[f"{rsid} {'/'.join(bases)} read as {gene.symbol} "
                               f"{read[0].text()}/{read[1].text()}"])
    return Fact(item, "genotype", rsid=rsid, bases=bases)
