// rsIDs with the gene they lie in (through IN_GENE, else the variant's gene property), their
// GRCh38 reference and alternate bases, and their other names (legacy names such as -1639G>A).
MATCH (v:Variant) WHERE v.id STARTS WITH 'rs'
OPTIONAL MATCH (v)-[:IN_GENE]->(g:Gene)
RETURN v.id AS rsid, coalesce(g.symbol, v.gene) AS gene, v.ref AS ref, v.alt AS alt, v.synonyms AS synonyms
