"""Reliability suite: the system under faults, load and hostile input (issue 8).

``pytest tests/reliability`` runs every scenario at CI size; ``python -m tests.reliability``
runs them at full size against a scratch Neo4j and prints the table.
"""
