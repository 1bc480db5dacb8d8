"""Shared request dependencies, declared once: the graph, the reference data, the API's settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pgxkg.graph.connection import Graph
from pgxkg.reference import ReferenceCache, ReferenceData
from pgxkg.settings import env, load


class ApiSettings(BaseSettings):
    """API knobs from the environment (the Neo4j ones live in pgxkg.settings); a bad value is a
    ConfigError naming the variable."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", env_ignore_empty=True)

    admin_api_key: SecretStr | None = Field(None, validation_alias=env("PGXKG_ADMIN_API_KEY"),
                                            description="unset disables the admin endpoints")
    enable_cypher: bool = Field(False, validation_alias=env("PGXKG_ENABLE_CYPHER"))
    cypher_timeout_s: float = Field(5.0, gt=0, le=600, validation_alias=env("PGXKG_CYPHER_TIMEOUT"))
    cypher_max_rows: int = Field(1000, ge=1, le=100_000, validation_alias=env("PGXKG_CYPHER_MAX_ROWS"))
    max_body_bytes: int = Field(5 * 1024 * 1024, ge=1024, validation_alias=env("PGXKG_MAX_BODY_BYTES"))
    max_batch: int = Field(1000, ge=1, le=100_000, validation_alias=env("PGXKG_MAX_BATCH"))
    cors: str = Field("", validation_alias=env("PGXKG_CORS_ORIGINS"),
                      description="comma-separated origins allowed by CORS")

    @field_validator("admin_api_key", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @classmethod
    def from_env(cls) -> ApiSettings:
        return load(cls)

    @property
    def cors_origins(self) -> tuple[str, ...]:
        return tuple(origin.strip() for origin in self.cors.split(",") if origin.strip())


def get_graph(request: Request) -> Graph:
    return request.app.state.graph


def get_reference(request: Request) -> ReferenceData:
    """The app's current reference-data snapshot (loaded on first use; 503 while Neo4j is down)."""
    cache: ReferenceCache = request.app.state.reference
    return cache.get()


def get_api_settings(request: Request) -> ApiSettings:
    return request.app.state.api_settings


GraphDep = Annotated[Graph, Depends(get_graph)]
ReferenceDep = Annotated[ReferenceData, Depends(get_reference)]
ApiSettingsDep = Annotated[ApiSettings, Depends(get_api_settings)]
