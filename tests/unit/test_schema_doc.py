"""The README's schema section is generated from the schema declaration (no database)."""

from __future__ import annotations

from pgxkg.graph.schema_ops import render_markdown
from tests.paths import ROOT


def test_readme_schema_section_is_generated_from_the_declaration() -> None:
    assert render_markdown() in (ROOT / "README.md").read_text()
