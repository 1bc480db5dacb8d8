"""Star-allele calling: a GRCh38 VCF -> diplotypes per gene -> the risk queries.

vcf.py reads genotypes at the defining positions, definitions.py loads the allele
definitions from the graph, matcher.py finds the diplotypes that explain them,
report.py turns calls into the JSON/TSV contract and into risk-query input.
"""
