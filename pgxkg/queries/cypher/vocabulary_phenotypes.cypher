// Gene phenotypes with their activity-score ranges.
MATCH (p:Phenotype)-[:OF_GENE]->(g:Gene)
RETURN g.symbol AS gene,
       collect(DISTINCT p {.name, .activity_min, .activity_max, .activity_min_inclusive,
                           .activity_max_inclusive}) AS phenotypes
