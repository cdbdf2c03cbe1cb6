"""Whatever a chat user types or picks, a command answers with a reply that renders safely: a
refusal with its reason or a result, never the catch-all "something went wrong" (which means a
crash inside). Property tests (hypothesis) send command words and options mixed with hostile text
(tests/hostile.py) to the real command service on the real store."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import COMMANDS
from bot.messages import Reply
from bot.service import Request
from tests.chatkit import ADMIN, HERE, MEMBER, add, article, hostile, make_service
from tests.hostile import ATOMS, FUZZ
from tests.render_checks import renders_safely

WORDS = [
    "daily", "weekly", "hourly", "every", "weekdays", "mondays", "off", "08:00", "7:30", "25:99", "0:00", "23:59",
    "0 8 * * *", "*/1 * * * *", "0 0 31 2 *", "60 24 * * *", "* * * * * *", "@daily", "@reboot", "mon-fri", "L W #",
    "Europe/Berlin", "Mars/Olympus", "../../etc/passwd", "UTC", "Etc/GMT+14", "", "post", "skip", "include", "exclude",
    "clear", "page:2", "page:-1", "page:" + "9" * 30, "1", "0", "-1", "9" * 30, "http://127.0.0.1/feed", "http://[::1",
    "ftp://files.example/", "javascript:alert(1)", "https://10.0.0.1/x", "https://user:pw@192.0.2.1/f",
    "https://192.0.2.1:99999/", "volcano", "lava", "sports, celebrity news", ",,,", '"', "'", "*", "(", ")", "-", "OR", "NEAR",
]  # fmt: skip
_word = st.sampled_from(WORDS) | st.sampled_from(ATOMS) | st.text(max_size=12)
_words = st.lists(_word, min_size=1, max_size=5).map(" ".join)
SETTINGS = settings(
    max_examples=100 * FUZZ, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def service(store):
    add(store, *(article(i) for i in range(1, 6)), hostile())
    return make_service(store)


# As typed (Slack's slash commands, the terminal): mostly a real subcommand with odd words after it.
_typed = st.tuples(st.sampled_from([c.name.removeprefix("news ") for c in COMMANDS]) | _word, st.lists(_word, max_size=6))


@SETTINGS
@given(st.sampled_from(["news"] * 4 + ["/news", "digest", "NEWS", ""]), _typed.map(lambda t: " ".join([t[0], *t[1]])), st.booleans())
def test_any_typed_command_gets_a_reason_or_a_result_never_a_crash(service, top, text, admin):
    reply = service.handle_text(top, text, ADMIN if admin else MEMBER, HERE)
    assert reply != Reply.sorry(), (top, text)
    renders_safely(reply)


@st.composite
def requests(draw) -> Request:
    """A command with its options as a platform hands them over (Discord's option pickers): any
    subset of its parameters, each any value of its kind and a few of the wrong one."""
    command = draw(st.sampled_from(COMMANDS))
    args = {}
    for p in command.params:
        if draw(st.booleans()):
            kind = st.integers(-(10**20), 10**20) if p.kind is int else st.sampled_from([*p.choices, "x"]) if p.choices else _words
            args[p.name] = draw(kind | st.none())
    return Request(command.name, ADMIN if draw(st.booleans()) else MEMBER, HERE, args)


@SETTINGS
@given(requests())
def test_any_command_options_get_a_reason_or_a_result_never_a_crash(service, req):
    reply = service.handle(req)
    assert reply != Reply.sorry(), req
    renders_safely(reply)
