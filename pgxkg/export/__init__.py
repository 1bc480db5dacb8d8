"""Network exports (GraphML, GEXF, Cytoscape.js JSON, KGX TSV, CSV) and static figures.

selectors (``select.py``) -> a networkx graph, or row streams for a full export ->
writers (``writers.py``); ``model.py`` is the one mapping from Neo4j to attributes, naming nodes
by CURIE (``identifiers.py``) and provenance by infores id (``knowledge_sources.py``).
"""
