"""Configuration errors: a NEWSBOT_* variable that names no setting is refused like a misspelt
setting; a bad value in a file is labelled with the file and key, not a variable; database URLs
are shown and logged with every secret masked."""

from __future__ import annotations

import pytest

from config import ConfigError, load_settings
from config.settings import NOT_SETTINGS, database_url_secrets, safe_database_url

# --- NEWSBOT_* variables that name no setting ---------------------------------------------------------


@pytest.mark.parametrize(("env", "meant"), [
    ("NEWSBOT_CHANEL__WORDS", "NEWSBOT_CHANNELS__WORDS"),  # a misspelt section: was silently ignored
    ("NEWSBOT_HTTP_MAX_REDIRECTS", "NEWSBOT_HTTP__MAX_REDIRECTS"),  # one underscore, not two
    ("NEWSBOT_CHANNELS__WORDS__MAX", "NEWSBOT_CHANNELS__WORDS"),  # one level too deep
    ("NEWSBOT_DATA_DIR__X", "NEWSBOT_DATA_DIR"),
    ("NEWSBOT_DISCORD_TOKEN_FILE", "NEWSBOT_DISCORD__TOKEN_FILE"),  # a secret file under a wrong name
    ("NEWSBOT_CONFIGG", "NEWSBOT_CONFIG"),
    ("newsbot_config", "NEWSBOT_CONFIG"),  # NEWSBOT_CONFIG is read in upper case only
])
def test_a_variable_that_names_no_setting_is_refused_with_the_one_meant(settings, tmp_path, monkeypatch, env, meant):
    monkeypatch.setenv(env, str(tmp_path / "hunter2pass"))
    with pytest.raises(ConfigError) as e:
        load_settings()
    message = str(e.value)
    assert message == (f"invalid configuration:\n  {env}: not a setting (did you mean {meant}?); "
                       "config/default.toml lists them all, docs/configuration.md their variables"), message
    assert "hunter2pass" not in message  # and a *_FILE one was not read (it does not exist)


def test_every_variable_that_names_no_setting_is_listed_and_a_known_section_says_as_before(settings, monkeypatch):
    monkeypatch.setenv("NEWSBOT_CHANEL__WORDS", "3")
    monkeypatch.setenv("NEWSBOT_CHANNELS__WORDZ", "3")
    with pytest.raises(ConfigError) as e:
        load_settings()
    lines = str(e.value).splitlines()
    assert lines[1].startswith("  NEWSBOT_CHANEL__WORDS: not a setting (did you mean NEWSBOT_CHANNELS__WORDS?)")
    assert lines[2] == "  channels.wordz (env NEWSBOT_CHANNELS__WORDZ): not a setting (did you mean words?); config/default.toml lists them all"


@pytest.mark.parametrize("env", sorted(NOT_SETTINGS - {"NEWSBOT_CONFIG"}))
def test_the_projects_own_variables_that_are_not_settings_stay_allowed(settings, monkeypatch, env):
    monkeypatch.setenv(env, "1")
    load_settings()


def test_settings_by_variable_and_by_file_stay_allowed(settings, tmp_path, monkeypatch):
    (tmp_path / "redirects").write_text("3\n")
    monkeypatch.setenv("NEWSBOT_HTTP__MAX_REDIRECTS_FILE", str(tmp_path / "redirects"))
    monkeypatch.setenv("NEWSBOT_HTTP", '{"user_agent": "bot/1"}')
    monkeypatch.setenv("newsbot_channels__words", "20")  # pydantic-settings reads any case
    loaded = load_settings()
    assert (loaded.http.max_redirects, loaded.http.user_agent, loaded.channels.words) == (3, "bot/1", 20)


# --- a bad value in a config file is labelled with the file and key -----------------------------------


def test_a_bad_value_in_a_config_file_names_the_file_and_key_not_a_variable(settings, tmp_path, monkeypatch):
    toml = tmp_path / "local.toml"
    toml.write_text('[channels]\nwordz = 5\nwords = 3\n[slack]\nmode = "webhook"\n[health]\nenabled = "hunter2pass"\n'
                    '[chanel]\nwords = 5\n')
    monkeypatch.setenv("NEWSBOT_CONFIG", str(toml))
    with pytest.raises(ConfigError) as e:
        load_settings()
    message = str(e.value)
    for line in [
        f"channels.wordz ({toml}, [channels] wordz): not a setting (did you mean words?)",
        f"channels.words ({toml}, [channels] words): must be at least 10",
        f"slack.mode ({toml}, [slack] mode): must be socket or http",
        f"health.enabled ({toml}, [health] enabled): must be true or false",
        f"chanel ({toml}, [chanel]): not a setting (did you mean channels?)",
    ]:
        assert line in message, message
    assert "(env " not in message and "hunter2pass" not in message


def test_the_environment_over_a_file_is_labelled_with_the_variable(settings, tmp_path, monkeypatch):
    toml = tmp_path / "local.toml"
    toml.write_text("[http]\nmax_redirects = 3\n")
    monkeypatch.setenv("NEWSBOT_CONFIG", str(toml))
    monkeypatch.setenv("NEWSBOT_HTTP__MAX_REDIRECTS", "99")
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert "http.max_redirects (env NEWSBOT_HTTP__MAX_REDIRECTS): must be at most 20" in str(e.value)


def test_settings_that_do_not_go_together_name_what_set_them(settings, monkeypatch):
    monkeypatch.setenv("NEWSBOT_DISCORD__SHARD_IDS", "[3]")
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert "discord (env NEWSBOT_DISCORD__SHARD_IDS): shard_ids needs shard_count" in str(e.value)


# --- database URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "shown", "secrets"), [
    ("postgresql+psycopg://bob:hunter2pass@db.example/news", "postgresql+psycopg://bob:***@db.example/news", ["hunter2pass"]),
    ("postgresql+psycopg://bob@db/news?password=hunter2pass", "postgresql+psycopg://bob@db/news?password=***", ["hunter2pass"]),
    ("postgresql+psycopg:///news?host=/run/pg&user=bob&PassWord=hunter2pass", "postgresql+psycopg:///news?host=/run/pg&user=bob&PassWord=***", ["hunter2pass"]),
    ("postgresql+psycopg://bob:hunter%40pass@db/news", "postgresql+psycopg://bob:***@db/news", ["hunter%40pass", "hunter@pass"]),
    ("postgresql+psycopg://bob:hun@ter2pass@db:5432/news", "postgresql+psycopg://bob:***@db:5432/news", ["hun@ter2pass", "hun"]),
    ("postgresql+psycopg://bob:a/b?c@db/news?application_name=x@y", "postgresql+psycopg://bob:***@y", None),  # over-masked, never under
    ("postgresql+psycopg://bob@db/news?application_name=x@y&sslpassword=hunter2pass",
     "postgresql+psycopg://bob@db/news?application_name=x@y&sslpassword=***", ["hunter2pass"]),
    ("sqlite:////srv/a@b/newsbot.db?mode=ro", "sqlite:////srv/a@b/newsbot.db?mode=ro", []),
    ("postgresql+psycopg://bob:5432@db:5432/news", "postgresql+psycopg://*** (the URL is hidden: it holds a password)", ["5432"]),
])
def test_a_database_url_is_shown_with_every_secret_masked(url, shown, secrets):
    assert safe_database_url(url) == shown
    if secrets is not None:
        assert database_url_secrets(url) == secrets


def test_the_log_redactor_knows_a_password_given_as_a_query_parameter(settings, monkeypatch):
    monkeypatch.setenv("NEWSBOT_DATABASE__URL", "postgresql+psycopg://bob@db/news?password=hunter2pass")
    assert "hunter2pass" in load_settings().secret_values()
