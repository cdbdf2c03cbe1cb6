"""The bot: command-line interface, command service, platform adapters and scheduler."""
