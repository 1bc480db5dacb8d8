"""Rewrite the README's schema section from the schema declaration."""

from pathlib import Path

from pgxkg.graph.schema_ops import render_markdown

START, END = "<!-- schema:start -->", "<!-- schema:end -->"
readme = Path(__file__).resolve().parents[1] / "README.md"
text = readme.read_text()
head, rest = text.split(START, 1)
_, tail = rest.split(END, 1)
readme.write_text(f"{head}{START}\n{render_markdown()}\n{END}{tail}")
