"""The effective configuration as TOML-like text, with secrets and passwords masked."""

from __future__ import annotations

import json

from sqlalchemy.engine import make_url

from config.settings import Settings


def effective_config(settings: Settings) -> str:
    data = settings.model_dump(mode="json")  # SecretStr values dump as "**********"
    if url := data.get("database", {}).get("url"):
        data["database"]["url"] = make_url(url).render_as_string(hide_password=True)
    lines = [f"# database in use: {make_url(settings.database_url).render_as_string(hide_password=True)}"]
    top = {k: v for k, v in data.items() if not isinstance(v, dict)}
    lines += [f"{k} = {json.dumps(v)}" for k, v in top.items()]
    for section, values in data.items():
        if isinstance(values, dict):
            lines.append(f"\n[{section}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    return "\n".join(lines)
