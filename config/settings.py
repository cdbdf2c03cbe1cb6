"""The settings schema. Layers, lowest first: config/default.toml, an optional TOML file named by
NEWSBOT_CONFIG, then NEWSBOT_* environment variables (nested with "__")."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
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


# --- chat platforms: channel defaults, Discord, Slack, terminal ---------------------------------
SECRET_KEYS = {"discord": ("token",), "slack": ("bot_token", "app_token", "signing_secret")}


def _read_secret_files(section: BaseModel, names: tuple[str, ...]) -> None:
    """`<name>_file` names a file holding the secret (Docker/Kubernetes secrets); it fills `<name>`."""
    for name in names:
        path: Path | None = getattr(section, f"{name}_file")
        if path is None or getattr(section, name) is not None:
            continue
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(f"cannot read {name}_file {str(path)!r}: {exc.strerror or exc}") from None
        if not value:
            raise ValueError(f"{name}_file {str(path)!r} is empty")
        setattr(section, name, SecretStr(value))


class ChannelSettings(BaseModel):
    """Defaults for a channel's digests, and limits on what commands accept."""

    story_count: int = Field(5, ge=1, le=25)
    words: int = Field(80, ge=10, le=400)
    algorithm: str = "lexrank"
    timezone: str = "UTC"
    search_page_size: int = Field(5, ge=1, le=10)
    min_schedule_minutes: int = Field(60, ge=1)
    max_feeds: int = Field(50, ge=1)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(v)
        except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError("not an IANA timezone; use a name such as UTC or Europe/Berlin") from None
        return v


class DiscordSettings(BaseModel):
    token: SecretStr | None = None  # env NEWSBOT_DISCORD__TOKEN only, never a TOML file
    token_file: Path | None = None
    dev_guild_id: int | None = None  # sync commands to this guild only (instant), else globally
    sync_commands: bool = True
    admin_role_ids: list[int] = Field(default_factory=list)
    shard_count: int | None = Field(None, ge=1)
    shard_ids: list[int] | None = None
    defer_after_seconds: float = Field(1.0, gt=0, lt=3)
    # The REST API's base URL: Discord's, or a rate-limit proxy in front of it for large bots.
    api_url: str = Field("https://discord.com/api/v10", pattern=r"^https?://\S+$")

    @model_validator(mode="after")
    def _secrets(self):
        _read_secret_files(self, SECRET_KEYS["discord"])
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("shard_ids needs shard_count (the total number of shards)")
            if not all(0 <= i < self.shard_count for i in self.shard_ids):
                raise ValueError(f"shard_ids must lie in 0..{self.shard_count - 1}")
        return self


class SlackSettings(BaseModel):
    bot_token: SecretStr | None = None  # xoxb-...; env or *_file only
    bot_token_file: Path | None = None
    app_token: SecretStr | None = None  # xapp-..., Socket Mode
    app_token_file: Path | None = None
    signing_secret: SecretStr | None = None  # HTTP mode
    signing_secret_file: Path | None = None
    mode: str = Field("socket", pattern="^(socket|http)$")
    http_host: str = "127.0.0.1"
    http_port: int = Field(3000, ge=0, le=65535)
    http_path: str = "/slack/events"
    admin_user_ids: list[str] = Field(default_factory=list)
    ack_after_seconds: float = Field(1.0, gt=0, lt=3)
    api_url: str = Field("https://slack.com/api/", pattern=r"^https?://\S+/$")  # Web API base, ends in /

    @model_validator(mode="after")
    def _secrets(self):
        _read_secret_files(self, SECRET_KEYS["slack"])
        if self.bot_token is not None:
            needed = "app_token" if self.mode == "socket" else "signing_secret"
            if getattr(self, needed) is None:
                raise ValueError(f"Slack {self.mode} mode needs {needed} (env NEWSBOT_SLACK__{needed.upper()} or NEWSBOT_SLACK__{needed.upper()}_FILE)")
        return self


class TerminalSettings(BaseModel):
    enabled: bool = True


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
    channels: ChannelSettings = ChannelSettings()
    discord: DiscordSettings = DiscordSettings()
    slack: SlackSettings = SlackSettings()
    terminal: TerminalSettings = TerminalSettings()

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
    _refuse_secrets_in_toml([DEFAULT_TOML, *([Path(extra)] if extra else [])])
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from None


def _refuse_secrets_in_toml(paths: list[Path]) -> None:
    """Tokens come from the environment or *_FILE paths only, never from a config file."""
    import tomllib

    for path in paths:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue  # the settings source reports these
        for section, names in SECRET_KEYS.items():
            for name in names:
                if name in data.get(section, {}):
                    env = f"NEWSBOT_{section.upper()}__{name.upper()}"
                    raise ConfigError(f"{path.name}: {section}.{name} must not be in a config file; set {env} or {env}_FILE instead")


def _explain(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors(include_input=False, include_url=False):
        name = ".".join(str(p) for p in err["loc"]) or "settings"
        env = "NEWSBOT_" + "__".join(str(p).upper() for p in err["loc"])
        lines.append(f"{name} (env {env}): {err['msg']}")
    return "invalid configuration:\n  " + "\n  ".join(lines)
