"""The configuration reference is generated from the schema and stays in step with it."""

from config.reference import markdown, rows
from config.settings import Settings
from tests.helpers import ROOT


def test_docs_configuration_is_up_to_date():
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == markdown(), "regenerate: python -m config.reference > docs/configuration.md"


def test_every_setting_is_documented_with_its_environment_variable():
    table = rows()
    sections = [name for name, f in Settings.model_fields.items()]
    assert {r[0].split(".")[0] for r in table} == set(sections)
    assert all(r[4] for r in table), [r[0] for r in table if not r[4]]
    by_name = {r[0]: r for r in table}
    assert by_name["http.max_redirects"][1] == "NEWSBOT_HTTP__MAX_REDIRECTS"
    assert by_name["discord.token"][3] == "(secret: environment or *_FILE only)"
    # The effective default comes from default.toml where it overrides the schema's.
    assert by_name["http.user_agent"][3].startswith('"newsbot/0.1 (+')
