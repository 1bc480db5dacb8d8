"""Where things live and which Neo4j to talk to, read from the environment (pydantic-settings).

A bad value is one clear error naming the variable (``PGXKG_BOLT_PORT='abc': Input should be a
valid integer``), raised as ``ConfigError`` by ``Settings.from_env()``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pgxkg.errors import PgxkgError

S = TypeVar("S", bound=BaseSettings)


class ConfigError(PgxkgError):
    """An environment variable holds a value pgxkg cannot use."""


def _user_dir(env_name: str, xdg_name: str, fallback: str) -> Path:
    if os.environ.get(env_name):
        return Path(os.environ[env_name]).expanduser()
    base = os.environ.get(xdg_name)
    return (Path(base) if base else Path.home() / fallback) / "pgxkg"


def env(name: str) -> AliasChoices:
    """The environment variable a field is read from (and only it: never the field's own name,
    or ``home`` would read $HOME)."""
    return AliasChoices(name)


class Settings(BaseSettings):
    """Every knob, with the environment variable that sets it.

    NEO4J_URI selects an external server (Docker, cluster, Aura); without it
    the embedded server under ``home / "neo4j"`` is used.
    """

    model_config = SettingsConfigDict(frozen=True, extra="ignore", env_ignore_empty=True)

    uri: str | None = Field(None, validation_alias=env("NEO4J_URI"),
                            description="an external server; unset: the embedded one")
    user: str = Field("neo4j", validation_alias=env("NEO4J_USER"))
    password: str | None = Field(None, validation_alias=env("NEO4J_PASSWORD"), repr=False)
    database: str = Field("neo4j", min_length=1, validation_alias=env("NEO4J_DATABASE"))
    home: Path = Field(default_factory=lambda: _user_dir("PGXKG_HOME", "XDG_DATA_HOME", ".local/share"),
                       validation_alias=env("PGXKG_HOME"))
    cache: Path = Field(default_factory=lambda: _user_dir("PGXKG_CACHE", "XDG_CACHE_HOME", ".cache"),
                        validation_alias=env("PGXKG_CACHE"))
    bolt_host: str = Field("127.0.0.1", min_length=1, validation_alias=env("PGXKG_BOLT_HOST"))
    bolt_port: int = Field(7687, ge=1, le=65535, validation_alias=env("PGXKG_BOLT_PORT"))
    heap: str = Field("2g", pattern=r"^\d+[kKmMgG]?$", validation_alias=env("PGXKG_NEO4J_HEAP"),
                      description="the embedded server's Java heap, e.g. 512m or 2g")

    @field_validator("uri", "password", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("home", "cache", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def of(cls, **fields: object) -> Settings:
        """Settings given in code by field name (``Settings.of(home=..., bolt_port=...)``); the
        environment variables are not read, and omitted fields take their defaults."""
        names = {name: info.validation_alias.choices[0] for name, info in cls.model_fields.items()}
        return cls.model_validate({names[name]: value for name, value in fields.items()})

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from the environment; raises ConfigError naming the variable at fault."""
        return load(cls)

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


def load(settings_class: type[S]) -> S:
    """Instantiate a settings class from the environment, turning validation errors into one
    ConfigError line per bad variable (its name, the value given, what is wrong)."""
    try:
        return settings_class()
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "?"
            value = os.environ.get(name)
            shown = f"={value!r}" if value is not None and "PASSWORD" not in name and "KEY" not in name else ""
            problems.append(f"{name}{shown}: {item['msg']}")
        raise ConfigError("bad environment setting: " + "; ".join(problems),
                          "fix or unset the variable named above") from None
