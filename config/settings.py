"""The settings schema. Layers, lowest first: config/default.toml, an optional TOML file named by
NEWSBOT_CONFIG, then NEWSBOT_* environment variables (nested with "__")."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TOML = Path(__file__).resolve().parent / "default.toml"


class ConfigError(Exception):
    """A setting is wrong. The message names the setting and the fix, never the value."""


class DatabaseSettings(BaseModel):
    url: str = ""


class CorpusSettings(BaseModel):
    dirs: list[Path] = Field(default_factory=lambda: [Path("corpus/articles")])
    max_file_bytes: int = Field(5_000_000, gt=0)


class HttpSettings(BaseModel):
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(15.0, gt=0)
    total_timeout: float = Field(30.0, gt=0)
    max_response_bytes: int = Field(10_000_000, gt=0)
    max_decompressed_bytes: int = Field(20_000_000, gt=0)
    max_redirects: int = Field(5, ge=0, le=20)
    user_agent: str = "newsbot/0.1"


class FeedSettings(BaseModel):
    poll_minutes: int = Field(30, ge=1)
    max_failures: int = Field(6, ge=1)
    backoff_base_minutes: int = Field(5, ge=1)
    backoff_max_minutes: int = Field(1440, ge=1)
    fetch_full_text: bool = True
    teaser_words: int = Field(120, ge=0)


class PageSettings(BaseModel):
    timeout: float = Field(20.0, gt=0)


class DedupeSettings(BaseModel):
    near_duplicate_threshold: float = Field(0.7, gt=0, le=1)


class StorySettings(BaseModel):
    threshold: float = Field(0.09, gt=0, le=1)
    window_hours: float = Field(72.0, gt=0)
    decay_hours: float = Field(72.0, gt=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    data_dir: Path = Path("data")
    database: DatabaseSettings = DatabaseSettings()
    corpus: CorpusSettings = CorpusSettings()
    http: HttpSettings = HttpSettings()
    feeds: FeedSettings = FeedSettings()
    pages: PageSettings = PageSettings()
    dedupe: DedupeSettings = DedupeSettings()
    stories: StorySettings = StorySettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        tomls = [DEFAULT_TOML]
        if extra := os.environ.get("NEWSBOT_CONFIG"):
            tomls.append(Path(extra))
        # Later files override earlier ones; the environment overrides both.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=tomls))

    def path(self, p: Path) -> Path:
        """A configured path, relative ones taken from the project root."""
        return p if p.is_absolute() else PROJECT_ROOT / p

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.path(self.data_dir) / 'newsbot.db'}"

    @property
    def corpus_dirs(self) -> list[Path]:
        return [self.path(d) for d in self.corpus.dirs]


def load_settings(**overrides: Any) -> Settings:
    """Read and validate all settings, or raise ConfigError with one line per bad setting."""
    extra = os.environ.get("NEWSBOT_CONFIG")
    if extra and not Path(extra).is_file():
        raise ConfigError(f"NEWSBOT_CONFIG: no such file {extra!r}; point it at a TOML file like config/default.toml")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from None


def _explain(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors(include_input=False, include_url=False):
        name = ".".join(str(p) for p in err["loc"]) or "settings"
        env = "NEWSBOT_" + "__".join(str(p).upper() for p in err["loc"])
        lines.append(f"{name} (env {env}): {err['msg']}")
    return "invalid configuration:\n  " + "\n  ".join(lines)
