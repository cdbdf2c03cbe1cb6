"""The effective configuration as TOML-like text, with secrets and passwords masked."""

from __future__ import annotations

import json

from config.settings import Settings, safe_database_url


def effective_config(settings: Settings) -> str:
    data = settings.model_dump(mode="json")  # SecretStr values dump as "**********"
    if url := data.get("database", {}).get("url"):
        # The password however it is written, and query parameters such as ?password=.
        data["database"]["url"] = safe_database_url(url)
    lines = [f"# database in use: {safe_database_url(settings.database_url)}"]
    top = {k: v for k, v in data.items() if not isinstance(v, dict)}
    lines += [f"{k} = {json.dumps(v)}" for k, v in top.items()]
    for section, values in data.items():
        if isinstance(values, dict):
            lines.append(f"\n[{section}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    return "\n".join(lines)
