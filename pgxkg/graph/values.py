"""Cypher values as strict JSON."""

from __future__ import annotations

import math
from typing import Any

from neo4j.spatial import Point
from neo4j.time import Duration


def plain(value: Any) -> Any:
    """A Cypher value as strict JSON: temporal types as ISO text, points as maps, NaN/inf as text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Point):  # before tuple: a Point is one
        return {"srid": value.srid, "coordinates": [plain(v) for v in value]}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if isinstance(value, Duration):
        return value.iso_format()
    if hasattr(value, "iso_format"):  # neo4j.time Date, Time, DateTime
        return value.iso_format()
    return value
