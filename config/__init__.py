"""Settings: read and validated once at start-up, then passed down (see config/settings.py)."""

from config.settings import ConfigError, Settings, load_settings

__all__ = ["ConfigError", "Settings", "load_settings"]
