"""Write the gold-set figures into the README from the graph at NEO4J_URI (or the local embedded one):
``.venv/bin/python -m tests.gold_readme``."""

from __future__ import annotations

import re

from pgxkg.graph.connection import Graph
from tests.integration.test_gold_categories import README, measured, readme_block

if __name__ == "__main__":
    with Graph.connect() as graph:
        block = readme_block(measured(graph))
    text = README.read_text()
    new = re.sub(r"<!-- gold:start -->.*?<!-- gold:end -->",
                 lambda m: f"<!-- gold:start -->\n{block}\n<!-- gold:end -->", text, flags=re.S)
    README.write_text(new)
    print(block)
