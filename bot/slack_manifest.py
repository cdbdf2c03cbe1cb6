"""config/slack-manifest.yml, derived from the command definitions (bot.commands).

Regenerate after changing a command: `python -m bot.slack_manifest > config/slack-manifest.yml`
(a test checks the file is in step). Paste it into https://api.slack.com/apps > Create New App >
From a manifest."""

from __future__ import annotations

import sys

import yaml

from bot.commands import BY_NAME, TOP_DESCRIPTIONS, TOP_LEVEL, subcommands

SCOPES = [
    "commands",  # the slash commands
    "chat:write",  # post digests and answers
    "chat:write.public",  # post scheduled digests to public channels without being invited
    "users:read",  # users.info: is the caller a workspace admin or owner?
    "channels:history",  # after a crash mid-post, find what was posted (public channels)...
    "groups:history",  # ...and private ones, before posting the rest
]

HEADER = """\
# Generated from bot/commands.py by `python -m bot.slack_manifest > config/slack-manifest.yml`;
# edit the command definitions, not this file. Socket Mode (the default) needs no request URLs.
# For HTTP mode set settings.socket_mode_enabled to false and give each slash command
#   url: https://your-host.example/slack/events   (slack.http_path behind your TLS proxy)
"""


def usage_hint(top: str) -> str:
    if top in BY_NAME:
        return " ".join(p.usage for p in BY_NAME[top].params)
    return " | ".join(c.usage.removeprefix(f"/{top} ") for c in subcommands(top))


def manifest() -> dict:
    return {
        "display_information": {
            "name": "newsbot",
            "description": "News digests: stories across outlets, summarised with their sources",
            "background_color": "#1d4ed8",
        },
        "features": {
            "bot_user": {"display_name": "newsbot", "always_online": True},
            "slash_commands": [
                {"command": f"/{top}", "description": TOP_DESCRIPTIONS[top][:100], "usage_hint": usage_hint(top)[:1000], "should_escape": False}
                for top in TOP_LEVEL
            ],
        },
        "oauth_config": {"scopes": {"bot": SCOPES}},
        "settings": {"interactivity": {"is_enabled": False}, "org_deploy_enabled": False, "socket_mode_enabled": True, "token_rotation_enabled": False},
    }


def render_manifest() -> str:
    return HEADER + yaml.safe_dump(manifest(), sort_keys=False, allow_unicode=True, width=1000)


if __name__ == "__main__":
    sys.stdout.write(render_manifest())
