"""Where things live and which Neo4j to talk to, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _user_dir(env_name: str, xdg_name: str, fallback: str) -> Path:
    if os.environ.get(env_name):
        return Path(os.environ[env_name]).expanduser()
    base = os.environ.get(xdg_name)
    return (Path(base) if base else Path.home() / fallback) / "pgxkg"


@dataclass(frozen=True)
class Settings:
    """Every knob, with the environment variable that sets it.

    NEO4J_URI selects an external server (Docker, cluster, Aura); without it
    the embedded server under ``home / "neo4j"`` is used.
    """

    uri: str | None
    user: str
    password: str | None
    database: str
    home: Path
    cache: Path
    bolt_host: str
    bolt_port: int
    heap: str

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            uri=os.environ.get("NEO4J_URI") or None,
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD") or None,
            database=os.environ.get("NEO4J_DATABASE", "neo4j"),
            home=_user_dir("PGXKG_HOME", "XDG_DATA_HOME", ".local/share"),
            cache=_user_dir("PGXKG_CACHE", "XDG_CACHE_HOME", ".cache"),
            bolt_host=os.environ.get("PGXKG_BOLT_HOST", "127.0.0.1"),
            bolt_port=int(os.environ.get("PGXKG_BOLT_PORT", "7687")),
            heap=os.environ.get("PGXKG_NEO4J_HEAP", "2g"),
        )

    @property
    def embedded(self) -> bool:
        return self.uri is None

    @property
    def embedded_dir(self) -> Path:
        return self.home / "neo4j"

    @property
    def password_file(self) -> Path:
        return self.embedded_dir / "password"

    @property
    def effective_uri(self) -> str:
        return self.uri or f"bolt://{self.bolt_host}:{self.bolt_port}"

    def effective_password(self) -> str:
        """NEO4J_PASSWORD, else the embedded server's stored password."""
        if self.password:
            return self.password
        if self.embedded and self.password_file.exists():
            return self.password_file.read_text().strip()
        return ""
