"""Where the shared real data lives (../shared/data from the repository root)."""

from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
