"""Cypher query modules: `.cypher` files plus thin typed Python functions over them."""
