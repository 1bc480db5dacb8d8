// name: variant_alleles
// description: The star alleles a variant helps define, with each allele's function and activity value.
// params: variant=rs4244285
MATCH (v:Variant {id: $variant})<-[def:DEFINED_BY]-(a:Allele)
RETURN v.id AS variant, v.grch38 AS grch38, a.id AS allele, a.function AS function,
       a.activity_value AS activity_value, def.alt AS allele_base, def.core AS core
ORDER BY a.gene, a.id
