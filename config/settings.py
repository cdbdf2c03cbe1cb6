"""The settings schema. Layers, lowest first: config/default.toml, an optional TOML file named by
NEWSBOT_CONFIG, then NEWSBOT_* environment variables (nested with "__")."""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, get_origin
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from sqlalchemy.engine import make_url
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings.exceptions import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TOML = Path(__file__).resolve().parent / "default.toml"


class ConfigError(Exception):
    """A setting is wrong. The message names the setting and the fix, never the value."""


# --- database URLs: shown and logged only with every secret masked -------------------------------
# Query parameters that carry a secret: libpq's password and sslpassword, and to be safe anything
# named like one (passfile, sslkey, pwd, a token...).
_SECRET_PARAM = re.compile(r"pass|pwd|secret|token|key", re.IGNORECASE)
# scheme://user[:password]@rest. The password runs to the *last* "@", so one written with an
# unencoded "@" is masked whole (SQLAlchemy stops it at the first).
_USERINFO = re.compile(r"(?P<scheme>[^:/?#]+://)(?P<user>[^:/@?]*)(?P<password>:.*)?@(?P<rest>[^@]*)", re.DOTALL)


def database_url_secrets(url: str) -> list[str]:
    """The secrets in a database URL, however they are written: its password (as SQLAlchemy reads
    it, and up to the last "@") and the values of query parameters such as password=."""
    found: list[str] = []
    if (m := _USERINFO.fullmatch(url)) and m["password"]:
        found += [m["password"][1:], unquote(m["password"][1:])]
    query = (m["rest"] if m else url).partition("?")[2]
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if _SECRET_PARAM.search(unquote(key)):
            found += [value, unquote(value)]
    try:
        parsed = make_url(url)
    except Exception:  # not a URL at all: nothing more to find
        pass
    else:
        if parsed.password:
            found.append(str(parsed.password))
        for key, value in parsed.query.items():
            if _SECRET_PARAM.search(key):
                found += [value] if isinstance(value, str) else list(value)
    return list(dict.fromkeys(v for v in found if v))


def safe_database_url(url: str) -> str:
    """The URL to show or log: the password and secret query parameters as ***."""
    m = _USERINFO.fullmatch(url)
    head, rest = (f"{m['scheme']}{m['user']}{':***' if m['password'] else ''}@", m["rest"]) if m else ("", url)
    base, sep, query = rest.partition("?")
    pairs = []
    for pair in query.split("&") if sep else []:
        key, eq, _ = pair.partition("=")
        pairs.append(f"{key}=***" if _SECRET_PARAM.search(unquote(key)) else pair)
    shown = head + base + sep + "&".join(pairs)
    if any(secret in shown for secret in database_url_secrets(url)):
        # Written in a way read differently here and by SQLAlchemy: show only what it is.
        scheme = url.partition("://")[0] if "://" in url else "database"
        return f"{scheme}://*** (the URL is hidden: it holds a password)"
    return shown


class _Section(BaseModel):
    # A misspelt setting ("wordz = 5" under [channels]) is an error, not silently the default.
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _without_secret_file_names(cls, data: Any) -> Any:
        # NEWSBOT_DISCORD__TOKEN_FILE also reaches [discord] as "token_file" from the environment
        # source; FileSecretsSource has read the file into "token".
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.endswith("_file") and k[:-5] in cls.model_fields)}
        return data


class DatabaseSettings(_Section):
    url: str = ""

    @field_validator("url")
    @classmethod
    def _supported(cls, v: str) -> str:
        # The message never repeats the URL: it may carry a password.
        if not v:
            return v
        try:
            backend = make_url(v).get_backend_name()
        except Exception:  # sqlalchemy.exc.ArgumentError
            raise ValueError("not a database URL; use sqlite:///path/to/newsbot.db or postgresql+psycopg://user@host/db") from None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"newsbot stores its data in SQLite or PostgreSQL, not {backend}; use sqlite:///... or postgresql+psycopg://...")
        return v


class CorpusSettings(_Section):
    dirs: list[Path] = Field(default_factory=lambda: [Path("corpus/articles")])
    max_file_bytes: int = Field(5_000_000, gt=0)


class HttpSettings(_Section):
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(15.0, gt=0)
    total_timeout: float = Field(30.0, gt=0)
    max_response_bytes: int = Field(10_000_000, gt=0)
    max_decompressed_bytes: int = Field(20_000_000, gt=0)
    max_redirects: int = Field(5, ge=0, le=20)
    user_agent: str = "newsbot/0.1"
    # Off by default: fetching loopback, private, link-local... addresses is refused (SSRF guard).
    allow_private_addresses: bool = False
    extra_ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(default_factory=list)

    @field_validator("user_agent")
    @classmethod
    def _one_header_line(cls, v: str) -> str:
        # Sent as a header on every fetch: a line break or a non-ASCII character would make each
        # one fail, feed by feed, with a reason that doesn't point here.
        if not v.strip() or not all(" " <= c <= "~" for c in v):
            raise ValueError("must be one line of printable ASCII (it is sent as the User-Agent header)")
        return v


class FeedSettings(_Section):
    poll_minutes: int = Field(30, ge=1)
    max_failures: int = Field(6, ge=1)
    backoff_base_minutes: int = Field(5, ge=1)
    backoff_max_minutes: int = Field(1440, ge=1)
    fetch_full_text: bool = True
    teaser_words: int = Field(120, ge=0)
    max_full_text_pages: int = Field(20, ge=0)


class PageSettings(_Section):
    timeout: float = Field(20.0, gt=0)


class DedupeSettings(_Section):
    near_duplicate_threshold: float = Field(0.7, gt=0, le=1)


class LogSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    # "text" for people, "json" for log collectors (one object a line).
    format: Literal["text", "json"] = "text"


class HealthSettings(_Section):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(8787, ge=0, le=65535)  # 0: any free port


# --- chat platforms: channel defaults, Discord, Slack, terminal ---------------------------------
# What a channel's digest size may be, here and in /news settings.
STORY_COUNT_RANGE = (1, 25)
WORDS_RANGE = (10, 400)


class ChannelSettings(_Section):
    """Defaults for a channel's digests, and limits on what commands accept."""

    story_count: int = Field(5, ge=STORY_COUNT_RANGE[0], le=STORY_COUNT_RANGE[1])
    words: int = Field(100, ge=WORDS_RANGE[0], le=WORDS_RANGE[1])  # each story's summary, whole sentences only
    # Must match digests.algorithms.ALGORITHMS (a test checks); config imports nothing of ours.
    algorithm: Literal[
        "newsbot", "lexrank", "textrank", "lsa", "luhn", "edmundson", "sumbasic", "kl", "reduction", "random"
    ] = "newsbot"
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


def _http_url(v: str, example: str, slash: bool = False) -> str:
    if not re.fullmatch(r"https?://\S+/" if slash else r"https?://\S+", v):
        raise ValueError(f"must be an http:// or https:// URL {example}")
    return v


def _blank_is_unset(value: Any) -> Any:
    """An empty or blank secret (NEWSBOT_DISCORD__TOKEN="") means the platform is off."""
    return None if isinstance(value, str) and not value.strip() else value


class DiscordSettings(_Section):
    token: SecretStr | None = Field(None, description="The bot token from the Discord developer portal; Discord runs when it is set.")
    _token_blank = field_validator("token", mode="before")(_blank_is_unset)
    dev_guild_id: int | None = None  # sync commands to this guild only (instant), else globally
    sync_commands: bool = True
    admin_role_ids: list[int] = Field(default_factory=list)
    shard_count: int | None = Field(None, ge=1)
    shard_ids: list[int] | None = None
    defer_after_seconds: float = Field(1.0, gt=0, lt=3)
    # The REST API's base URL: Discord's, or a rate-limit proxy in front of it for large bots.
    api_url: str = "https://discord.com/api/v10"
    _api_url = field_validator("api_url")(lambda v: _http_url(v, "e.g. https://discord.com/api/v10"))

    @model_validator(mode="after")
    def _secrets(self):
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("shard_ids needs shard_count (the total number of shards)")
            if not all(0 <= i < self.shard_count for i in self.shard_ids):
                raise ValueError(f"shard_ids must lie in 0..{self.shard_count - 1}")
        return self


class SlackSettings(_Section):
    bot_token: SecretStr | None = Field(None, description="The xoxb-... bot token; Slack runs when it is set.")
    app_token: SecretStr | None = Field(None, description="The xapp-... app-level token (Socket Mode).")
    signing_secret: SecretStr | None = Field(None, description="The signing secret (HTTP mode).")
    _secrets_blank = field_validator("bot_token", "app_token", "signing_secret", mode="before")(_blank_is_unset)
    mode: Literal["socket", "http"] = "socket"
    http_host: str = "127.0.0.1"
    http_port: int = Field(3000, ge=0, le=65535)
    http_path: str = "/slack/events"
    admin_user_ids: list[str] = Field(default_factory=list)
    ack_after_seconds: float = Field(1.0, gt=0, lt=3)
    api_url: str = "https://slack.com/api/"  # Web API base, ends in /
    _api_url = field_validator("api_url")(lambda v: _http_url(v, "ending in /, e.g. https://slack.com/api/", slash=True))

    @model_validator(mode="after")
    def _secrets(self):
        if self.bot_token is not None:
            needed = "app_token" if self.mode == "socket" else "signing_secret"
            if getattr(self, needed) is None:
                raise ValueError(f"Slack {self.mode} mode needs {needed} (env NEWSBOT_SLACK__{needed.upper()} or NEWSBOT_SLACK__{needed.upper()}_FILE)")
        return self


# --- scheduled digests: the scheduler, delivery, leader election --------------------------------
class SchedulerSettings(_Section):
    """Scheduled digests and feed polling (run by one process at a time: the leader)."""

    enabled: bool = True
    # Missed slots (the bot was down) give one catch-up digest when the latest one is at most this
    # old; older slots are skipped and logged.
    catch_up_grace_hours: float = Field(6.0, ge=0)
    # A new channel's first digest covers at most this much of the past, never the whole archive.
    backfill_hours: float = Field(24.0, gt=0)
    # Schedules changed in another process reach the scheduler within this time.
    sync_seconds: float = Field(30.0, gt=0)
    # How often a standby checks whether the leader is gone (and the leader that it still leads).
    leader_check_seconds: float = Field(5.0, gt=0)
    # How often due feeds are looked for (each feed's own interval and backoff decide when it is due).
    feed_check_seconds: float = Field(60.0, gt=0)
    feed_concurrency: int = Field(4, ge=1, le=32)
    # A post that fails for a passing reason (network, server error) is tried this many times.
    max_attempts: int = Field(5, ge=1)
    # How long a delivery waits for its platform's connection at start-up before it counts as failed.
    platform_wait_seconds: float = Field(60.0, gt=0)
    # On SIGTERM, posts under way get this long to finish; one cut short stays claimed and the
    # next leader finishes it. Keep it under the stop timeout of whatever stops the bot.
    shutdown_wait_seconds: float = Field(10.0, ge=0)


class TerminalSettings(_Section):
    enabled: bool = True


class SummarySettings(_Section):
    """How summaries cite (the per-channel budget and algorithm are in [channels])."""

    citation_similarity: float = Field(0.5, gt=0, le=1)


class StorySettings(_Section):
    """How articles are grouped into stories (digests/cluster.py)."""

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
    log: LogSettings = LogSettings()
    health: HealthSettings = HealthSettings()
    channels: ChannelSettings = ChannelSettings()
    discord: DiscordSettings = DiscordSettings()
    slack: SlackSettings = SlackSettings()
    terminal: TerminalSettings = TerminalSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    summaries: SummarySettings = SummarySettings()
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
        return (
            init_settings,
            env_settings,
            FileSecretsSource(settings_cls),
            NoSecretsInFiles(TomlConfigSettingsSource(settings_cls, toml_file=tomls)),
        )

    def path(self, p: Path) -> Path:
        """A configured path, relative ones taken from the project root."""
        return p if p.is_absolute() else PROJECT_ROOT / p

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.path(self.data_dir) / 'newsbot.db'}"

    def secret_values(self) -> list[str]:
        """Every configured secret, for the log redactor."""
        values = []
        for path in _secret_paths(type(self)):
            node: Any = self
            for part in path:
                node = getattr(node, part, None)
            if node is not None and node.get_secret_value():
                values.append(node.get_secret_value())
        values += database_url_secrets(self.database_url)
        return values

    @property
    def corpus_dirs(self) -> list[Path]:
        return [self.path(d) for d in self.corpus.dirs]


MAX_SECRET_BYTES = 64 * 1024


class FileSecretsSource(PydanticBaseSettingsSource):
    """NEWSBOT_<NAME>_FILE=/path sets NEWSBOT_<NAME> to that file's contents (Docker and
    Kubernetes secrets are mounted as files)."""

    def get_field_value(self, field, field_name):  # pragma: no cover - __call__ does the work
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in os.environ.items():
            # Any case, as pydantic-settings reads the other variables.
            if not (key.upper().startswith("NEWSBOT_") and key.upper().endswith("_FILE")) or key in NOT_SETTINGS:
                continue
            try:
                with open(value, "rb") as fh:
                    raw = fh.read(MAX_SECRET_BYTES + 1)  # not all of /dev/zero
                if len(raw) > MAX_SECRET_BYTES:
                    raise ConfigError(f"{key}: the secret file is over {MAX_SECRET_BYTES // 1024} KB, too large for a token; point it at the file that holds only the secret")
                content = raw.decode("utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{key}: cannot read the secret file ({type(exc).__name__}); point it at a readable UTF-8 file") from None
            path = key[len("NEWSBOT_") : -len("_FILE")].lower().split("__")
            node = out
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = content
        return out


class NoSecretsInFiles(PydanticBaseSettingsSource):
    """Wraps the TOML source and refuses secrets there: config files get committed and copied."""

    def __init__(self, inner: PydanticBaseSettingsSource) -> None:
        super().__init__(inner.settings_cls)
        self.inner = inner

    def get_field_value(self, field, field_name):  # pragma: no cover - __call__ does the work
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        data = self.inner()
        for path in _secret_paths(self.settings_cls):
            node: Any = data
            for part in path:
                node = node.get(part) if isinstance(node, dict) else None
            if node:
                env = "NEWSBOT_" + "__".join(p.upper() for p in path)
                raise ConfigError(
                    f"{'.'.join(path)}: secrets can't be set in a config file; set {env} or {env}_FILE in the environment"
                )
        return data


def _secret_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            paths += _secret_paths(ann, prefix + (name,))
        elif "SecretStr" in str(ann):
            paths.append(prefix + (name,))
    return paths


def load_settings(**overrides: Any) -> Settings:
    """Read and validate all settings, or raise ConfigError with one line per bad setting."""
    extra = os.environ.get("NEWSBOT_CONFIG")
    if extra and not Path(extra).is_file():
        what = "not a file" if Path(extra).exists() else "no such file"  # a folder, /dev/zero...
        raise ConfigError(f"NEWSBOT_CONFIG: {what} {extra!r}; point it at a TOML file like config/default.toml")
    if unknown := _unknown_env_names():
        # pydantic-settings reads only the names of settings: NEWSBOT_CHANEL__WORDS would
        # silently leave channels.words at its default.
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(unknown))
    try:
        return Settings(**overrides)
    except ConfigError:
        raise
    except ValidationError as exc:
        raise ConfigError(_explain(exc, [DEFAULT_TOML] + ([Path(extra)] if extra else []))) from None
    except (SettingsError, RecursionError):
        # pydantic-settings reads a list or a section from the environment as JSON, and when that
        # fails it names only the section.
        raise ConfigError(_unreadable_json_env()) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        # Only a TOML file is read here: the default one, or NEWSBOT_CONFIG's.
        which = f"NEWSBOT_CONFIG ({extra})" if extra else str(DEFAULT_TOML)
        raise ConfigError(f"{which}: {_file_problem(exc)}; fix it, or compare it with config/default.toml") from None


def _unreadable_json_env() -> str:
    lines = []
    for key, value in sorted(os.environ.items()):
        if not key.startswith("NEWSBOT_") or _is_json(value):
            continue
        path = key.removeprefix("NEWSBOT_").lower().split("__")
        if len(path) == 1 and _is_section(path[0]):
            lines.append(f"{key}: not valid JSON; a section is written as a JSON object, or set its settings one by one ({key}__NAME)")
        elif len(path) == 2 and _is_section(path[0]) and _is_list(path[0], path[1]):
            lines.append(f'{key}: not valid JSON; a list is written as [8080, 8443] or ["a", "b"]')
    return "invalid configuration:\n  " + "\n  ".join(lines or ["a list or section set in the environment is not valid JSON"])


def _is_json(value: str) -> bool:
    try:
        json.loads(value)
    except (ValueError, RecursionError):
        return False
    return True


def _is_section(name: str) -> bool:
    field = Settings.model_fields.get(name)
    return field is not None and isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)


def _is_list(section: str, name: str) -> bool:
    field = Settings.model_fields[section].annotation.model_fields.get(name)
    return field is not None and get_origin(field.annotation) is list


def _file_problem(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text ({exc.reason})"
    if isinstance(exc, OSError):
        return f"can't be read ({exc.strerror or exc})"
    return f"not valid TOML: {exc}"


def _explain(exc: ValidationError, tomls: list[Path] = ()) -> str:
    lines = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = tuple(str(p) for p in err["loc"])
        name = ".".join(loc) or "settings"
        where = _where(loc, err["type"], list(tomls))
        message = _unknown(err["loc"]) if err["type"] == "extra_forbidden" else _friendly(err)
        lines.append(f"{name}{f' ({where})' if where else ''}: {message}")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def _unknown(loc: tuple) -> str:
    """What to say of a name that is no setting: the one it was probably meant to be."""
    section = str(loc[0]) if len(loc) == 2 else None  # sections are one level deep
    names = Settings.model_fields[section].annotation.model_fields if section and _is_section(section) else Settings.model_fields
    close = difflib.get_close_matches(str(loc[-1]), list(names), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"not a setting{hint}; config/default.toml lists them all"


# --- where a bad value came from ------------------------------------------------------------------


def _env_key(name: str) -> str | None:
    """The variable in the environment spelt `name` in any case (pydantic-settings ignores case)."""
    if name in os.environ:
        return name
    return next((k for k in sorted(os.environ) if k.upper() == name), None)


def _where(loc: tuple[str, ...], kind: str, tomls: list[Path]) -> str | None:
    """The environment variable or the file and key that set the setting at `loc`."""
    if not loc:
        return None
    if _is_section(loc[0]) and len(loc) == 1 and kind not in ("model_type", "dict_type", "model_attributes_type"):
        # Settings that don't go together (slack mode without its secret): whatever set the section.
        env = [k for k in sorted(os.environ) if k.upper().startswith(f"NEWSBOT_{loc[0].upper()}__")]
        files = [_file_label(p, (loc[0],)) for p in tomls[1:] if _toml_has(p, (loc[0],))]
        return ", ".join([f"env {k}" for k in env] + files) or None
    keys = loc[:2] if _is_section(loc[0]) else loc[:1]
    env = "NEWSBOT_" + "__".join(k.upper() for k in keys)
    for candidate in (env, env + "_FILE") + ((f"NEWSBOT_{keys[0].upper()}",) if len(keys) == 2 else ()):
        if key := _env_key(candidate):
            return f"env {key}"
    for path in reversed(tomls):  # the last file that sets it wins
        if _toml_has(path, keys):
            return _file_label(path, keys)
    return None


def _file_label(path: Path, keys: tuple[str, ...]) -> str:
    shown = path.relative_to(PROJECT_ROOT) if path == DEFAULT_TOML else path
    table = isinstance(_toml_get(path, keys[:1]), dict)
    return f"{shown}, " + (f"[{keys[0]}] {keys[1]}" if len(keys) == 2 else f"[{keys[0]}]" if table else keys[0])


_MISSING = object()


def _toml_get(path: Path, keys: tuple[str, ...]) -> Any:
    try:
        node: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _MISSING
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _toml_has(path: Path, keys: tuple[str, ...]) -> bool:
    return _toml_get(path, keys) is not _MISSING


# --- what to write instead: pydantic's messages, said as the fix ----------------------------------


def _friendly(err: dict) -> str:
    """The fix for a bad value, in words about the setting; never the value itself (it may be a
    secret). A message from one of our validators is kept as it is."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "value_error":
        return err["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        return "must be " + ctx.get("expected", "one of the values config/default.toml lists").replace("'", "")
    bounds = {"greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt"),
              "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}
    if kind in bounds:
        words, key = bounds[kind]
        limit = ctx.get(key)
        return f"must be {words} {limit:g}" if isinstance(limit, float) else f"must be {words} {limit}"
    fixed = {
        "bool_parsing": "must be true or false",
        "bool_type": "must be true or false",
        "int_parsing": "must be a whole number",
        "int_type": "must be a whole number",
        "int_from_float": "must be a whole number",
        "float_parsing": "must be a number",
        "float_type": "must be a number",
        "finite_number": "must be a finite number",
        "string_type": "must be text (a string)",
        "path_type": "must be a path (text)",
        "list_type": 'must be a list, e.g. [8080, 8443] or ["a", "b"]',
        "model_type": "must be a section (a [table] in a file, a JSON object in the environment)",
        "model_attributes_type": "must be a section (a [table] in a file, a JSON object in the environment)",
        "dict_type": "must be a section (a [table] in a file, a JSON object in the environment)",
        "string_pattern_mismatch": "has the wrong form; config/default.toml shows one that works",
    }
    return fixed.get(kind, err["msg"])


# --- NEWSBOT_* variables that name no setting ---------------------------------------------------------

# NEWSBOT_* variables the project reads that are not settings.
NOT_SETTINGS = frozenset({
    "NEWSBOT_CONFIG",  # the TOML file of settings
    "NEWSBOT_TEST_DATABASE_URL",  # the tests' PostgreSQL
    "NEWSBOT_BENCH_DATABASE_URL",  # bench/bench_digest_cycle.py's PostgreSQL
    "NEWSBOT_RUN_SLOW",  # the tests: run the slow ones
    "NEWSBOT_FUZZ",  # the tests: more random examples
})


def _names_setting(name: str) -> bool:
    """Whether NEWSBOT_<name> (upper case, without the prefix) is a setting or a whole section."""
    parts = name.lower().split("__")
    if len(parts) == 1:
        return parts[0] in Settings.model_fields
    return len(parts) == 2 and _is_section(parts[0]) and parts[1] in Settings.model_fields[parts[0]].annotation.model_fields


def _unknown_env_names() -> list[str]:
    lines = []
    for key in sorted(os.environ):
        upper = key.upper()
        if not upper.startswith("NEWSBOT_") or key in NOT_SETTINGS:
            continue
        name = upper.removeprefix("NEWSBOT_")
        if _names_setting(name) or (name.endswith("_FILE") and _names_setting(name.removesuffix("_FILE"))):
            continue
        parts = name.lower().split("__")
        if len(parts) == 2 and _is_section(parts[0]) and parts[1] and not name.endswith("_FILE"):
            # A wrong name in a known section: said as pydantic's own check says it.
            lines.append(f"{parts[0]}.{parts[1]} (env {key}): {_unknown(tuple(parts))}")
            continue
        close = _closest_env_name(upper)
        hint = f" (did you mean {close}?)" if close else ""
        lines.append(f"{key}: not a setting{hint}; config/default.toml lists them all, docs/configuration.md their variables")
    return lines


def _closest_env_name(upper: str) -> str | None:
    if upper in NOT_SETTINGS:  # newsbot_config
        return upper
    suffix = "_FILE" if upper.endswith("_FILE") else ""
    parts = upper.removeprefix("NEWSBOT_").removesuffix(suffix).lower().split("__")
    sections = [n for n in Settings.model_fields if _is_section(n)]
    section = parts[0] if parts[0] in sections else next(iter(difflib.get_close_matches(parts[0], sections, n=1)), None)
    if section and len(parts) > 1:
        fields = list(Settings.model_fields[section].annotation.model_fields)
        field = parts[1] if parts[1] in fields else next(iter(difflib.get_close_matches(parts[1], fields, n=1)), None)
        if field:
            return f"NEWSBOT_{section.upper()}__{field.upper()}{suffix}"
    names = [n.upper() for n in Settings.model_fields]
    names += [f"{s.upper()}__{n.upper()}" for s in sections for n in Settings.model_fields[s].annotation.model_fields]
    names += [] if suffix else [n.removeprefix("NEWSBOT_") for n in sorted(NOT_SETTINGS)]
    close = difflib.get_close_matches(upper.removeprefix("NEWSBOT_").removesuffix(suffix), names, n=1)
    return f"NEWSBOT_{close[0]}{suffix}" if close else None
