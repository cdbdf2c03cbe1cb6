"""The configuration reference (docs/configuration.md), generated from the settings schema and
the comments in config/default.toml: `python -m config.reference > docs/configuration.md`."""

from __future__ import annotations

import json
import re
import tomllib
from types import UnionType
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from config.settings import DEFAULT_TOML, NOT_SETTINGS, Settings

_KEY = re.compile(r"^#?\s*(\w+)\s*=\s*(.*?)\s*(?:#\s*(.*))?$")


def toml_comments() -> dict[tuple[str, str], str]:
    """(section, key) -> the comment lines just above the key in default.toml, plus any comment
    after its value. A commented-out `# key = value` documents an optional key."""
    out: dict[tuple[str, str], str] = {}
    section, pending, previous = "", [], None
    for raw in DEFAULT_TOML.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if m := re.match(r"^\[(\w+)\]", line):
            section, pending, previous = m.group(1), [], None
        elif (m := _KEY.match(line)) and (not line.startswith("#") or m.group(1) in _fields(section)):
            key, _, trailing = m.groups()
            text = " ".join(pending + ([trailing] if trailing else []))
            # Keys listed together under one comment share it.
            out[(section, key)] = text or (out[previous] if previous else "")
            pending, previous = [], (section, key)
        elif line.startswith("#"):
            pending.append(line.lstrip("#").strip())
        else:
            pending, previous = [], None
    return out


def _fields(section: str) -> dict:
    if not section:
        return Settings.model_fields
    field = Settings.model_fields.get(section)
    model = field.annotation if field else None
    return model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else {}


def _type(annotation) -> str:
    """A readable type: `int`, `list[int]`, `str | None`, `"text" or "json"`."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _type(args[0])
    if origin is Literal:
        return " or ".join(json.dumps(a) for a in args)
    if origin in (Union, UnionType):
        return " | ".join(_type(a) for a in args)
    if origin is not None:
        return f"{getattr(origin, '__name__', origin)}[{', '.join(_type(a) for a in args)}]"
    return "None" if annotation is type(None) else getattr(annotation, "__name__", str(annotation))


def _default(section: str, name: str, field, toml: dict) -> str:
    if "SecretStr" in str(field.annotation):
        return "(secret: environment or *_FILE only)"
    values = toml.get(section, {}) if name else toml
    value = values.get(name or section, field.get_default(call_default_factory=True))
    return json.dumps(value, default=str) if value is not None else "unset"


def rows() -> list[tuple[str, str, str, str, str]]:
    """(setting, environment variable, type, default, description) for every setting."""
    comments = toml_comments()
    toml = tomllib.loads(DEFAULT_TOML.read_text(encoding="utf-8"))
    out = []
    for section, field in Settings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            for name, sub in model.model_fields.items():
                text = sub.description or comments.get((section, name), "")
                out.append((f"{section}.{name}", f"NEWSBOT_{section.upper()}__{name.upper()}", _type(sub.annotation), _default(section, name, sub, toml), text))
        else:
            text = field.description or comments.get(("", section), "")
            out.append((section, f"NEWSBOT_{section.upper()}", _type(field.annotation), _default(section, "", field, toml), text))
    return out


def markdown() -> str:
    lines = [
        "# Configuration reference",
        "",
        "Generated from the settings schema (`config/settings.py`) and the comments in",
        "`config/default.toml` by `python -m config.reference > docs/configuration.md`; a test keeps it in step.",
        "",
        "Every setting can be set in a TOML file named by `NEWSBOT_CONFIG` (same layout as",
        "`config/default.toml`) or by its environment variable; `NAME_FILE` reads the value from a",
        "file instead (Docker and Kubernetes secrets). Secrets can't be set in a file of settings.",
        "A name that is no setting (`wordz` under `[channels]`, `NEWSBOT_CHANEL__WORDS`) is refused with",
        "the one it was probably meant to be; the `NEWSBOT_` variables that are not settings are",
        ", ".join(f"`{n}`" for n in sorted(NOT_SETTINGS)) + ".",
        "A bad value is named with where it was set (the variable, or the file and key) and what to",
        "write instead, never shown. `python run_bot.py check-config` validates everything and prints",
        "the result, secrets masked (database URL passwords and `?password=`-style parameters too).",
        "",
        "| setting | environment variable | type | default | what it does |",
        "|---|---|---|---|---|",
    ]
    for setting, env, typ, default, text in rows():
        cells = [f"`{setting}`", f"`{env}`", typ.replace("|", "\\|"), f"`{default}`", text.replace("|", "\\|")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
