"""The commands every platform shares: names, parameters, help and who may use them.

Discord's app commands, Slack's manifest and the help text are all derived from these
definitions, and Slack and the terminal parse their text arguments with `parse_text`."""

from __future__ import annotations

from dataclasses import dataclass

from config.settings import STORY_COUNT_RANGE, WORDS_RANGE
from digests.algorithms import ALGORITHMS

MAX_QUERY_CHARS = 200
STORY_ID_HELP = "The story's id, as the digest shows it, or words of its headline"
# The summarizers a channel may choose: all but KL, whose time grows with the cube of a story's
# sentences (minutes for a big story), which would hold up every digest after it.
CHANNEL_ALGORITHMS = tuple(a for a in ALGORITHMS if a != "kl")


class UsageError(ValueError):
    """A command was typed wrong; the message says how to type it right."""


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    required: bool = False
    kind: type = str  # str or int
    choices: tuple[str, ...] = ()
    rest: bool = False  # in text form it takes the rest of the line
    max_length: int | None = None
    named: bool = False  # in text form only as name:value, never a bare word
    bounds: tuple[int, int] | None = None  # for a whole number: the least and the most

    @property
    def usage(self) -> str:
        if self.required:
            return f"<{self.name}>"
        if self.named:
            value = "N" if self.kind is int else "|".join(self.choices) if 0 < len(self.choices) <= 3 else "NAME"
            return f"[{self.name}:{value}]"
        if self.choices:
            return f"[{'|'.join(self.choices)}]"
        return f"[{self.name}:N]" if self.kind is int else f"[{self.name}]"


@dataclass(frozen=True)
class Command:
    name: str  # "digest" or "news <sub>"
    description: str  # at most 100 characters (Discord's limit)
    params: tuple[Param, ...] = ()
    admin: bool = False  # changing something needs admin rights
    example: str = ""

    @property
    def top(self) -> str:
        return self.name.split()[0]

    @property
    def sub(self) -> str | None:
        parts = self.name.split()
        return parts[1] if len(parts) > 1 else None

    @property
    def usage(self) -> str:
        return " ".join([f"/{self.name}", *(p.usage for p in self.params)])


COMMANDS: tuple[Command, ...] = (
    Command(
        "digest",
        "This channel's latest digest (built now if none was posted yet), or one on a topic, built now",
        (Param("topic", "A keyword or phrase to narrow the digest to", rest=True, max_length=MAX_QUERY_CHARS),),
        example="/digest elections",
    ),
    Command(
        "news search",
        "Search the stored articles: headline, outlet, date and link",
        (
            Param("query", "The words to look for", required=True, rest=True, max_length=MAX_QUERY_CHARS),
            Param("page", "Which page of results, from 1", kind=int),
        ),
        example="/news search defect",
    ),
    Command(
        "news story",
        "One story's summary with numbered citations",
        (Param("id", STORY_ID_HELP, required=True, rest=True, max_length=MAX_QUERY_CHARS),),
        example="/news story 3",
    ),
    Command(
        "news sources",
        "The source links of a story: outlet, title and date",
        (
            Param("id", STORY_ID_HELP, required=True, rest=True, max_length=MAX_QUERY_CHARS),
            Param("page", "Which page of sources, from 1", kind=int),
        ),
        example="/news sources 3",
    ),
    Command(
        "news subscribe",
        "Follow an RSS, Atom or JSON feed in this channel (admins)",
        (Param("url", "The feed's address (http or https)", required=True, max_length=2048),),
        admin=True,
        example="/news subscribe https://example.com/feed.xml",
    ),
    Command(
        "news unsubscribe",
        "Stop following a feed in this channel (admins)",
        (Param("url", "The feed's address, as listed by /news feeds", required=True, max_length=2048),),
        admin=True,
        example="/news unsubscribe https://example.com/feed.xml",
    ),
    Command("news feeds", "The feeds this channel follows", example="/news feeds"),
    Command(
        "news schedule",
        "Show this channel's digest schedule, or set it (admins)",
        (
            Param("when", "daily 08:00, weekdays 07:30, mondays 09:00, a cron expression, or off", rest=True, max_length=100),
            Param("timezone", "An IANA timezone such as Europe/Berlin (default: the channel's, else UTC)", max_length=64),
            # Named: a bare "post" would read as part of `when`.
            Param("empty", "When nothing is new: post a one-line note, or skip the slot (the default)", choices=("post", "skip"), named=True),
        ),
        admin=True,
        example="/news schedule daily 08:00 Europe/Berlin",
    ),
    Command(
        "news filter",
        "Show this channel's keyword filters, or set them (admins)",
        (
            Param("mode", "include: only stories with these words; exclude: none with them", choices=("include", "exclude", "clear")),
            Param("keywords", "Keywords or phrases, separated by commas", rest=True, max_length=500),
        ),
        admin=True,
        example="/news filter exclude sports, celebrity",
    ),
    Command(
        "news settings",
        "Show this channel's digest size and summarizer, or set them (admins)",
        (
            Param("stories", "Stories in each digest", kind=int, named=True, bounds=STORY_COUNT_RANGE),
            Param("words", "Words in each story's summary (whole sentences only)", kind=int, named=True, bounds=WORDS_RANGE),
            Param("algorithm", "newsbot (cites and never repeats a fact) or a plain sumy algorithm", choices=CHANNEL_ALGORITHMS, named=True),
            Param("reset", "Go back to the bot's defaults for all three", choices=("reset",)),
        ),
        admin=True,
        example="/news settings stories:3 words:150",
    ),
    Command("news help", "How to use this bot", example="/news help"),
)

BY_NAME = {c.name: c for c in COMMANDS}
TOP_LEVEL = tuple(dict.fromkeys(c.top for c in COMMANDS))  # ("digest", "news")
TOP_DESCRIPTIONS = {
    "digest": BY_NAME["digest"].description,
    "news": "Search the news, read stories with their sources, manage this channel's feeds, schedule and settings",
}


def subcommands(top: str) -> list[Command]:
    return [c for c in COMMANDS if c.top == top and c.sub]


def parse_text(top: str, text: str) -> tuple[Command, dict[str, object]]:
    """A command typed as text (Slack, the terminal): `/news search defect page:2` arrives as
    top="news", text="search defect page:2"."""
    top = top.lstrip("/").lower()
    words = text.split()
    if top not in TOP_LEVEL:
        raise UsageError(f"There is no /{top} command; try /news help.")
    if top in BY_NAME:
        return BY_NAME[top], parse_args(BY_NAME[top], words)
    if not words:
        return BY_NAME[f"{top} help"], {}
    name = f"{top} {words[0].lower()}"
    if name not in BY_NAME:
        known = ", ".join(c.sub for c in subcommands(top))
        raise UsageError(f"/{top} has no {words[0][:40]!r} command. It knows: {known}. Try /{top} help.")
    return BY_NAME[name], parse_args(BY_NAME[name], words[1:])


def parse_args(command: Command, words: list[str]) -> dict[str, object]:
    """Named options (`page:2`) first, then positional ones in order; a `rest` parameter takes
    whatever is left."""
    named = {p.name: p for p in command.params if not p.rest}
    args: dict[str, object] = {}
    left: list[str] = []
    for w in words:
        key, sep, value = w.partition(":")
        if sep and key.lower() in named and value:
            if key.lower() in args:  # not left in the query: "volcano page:3" searched for "page 3"
                raise UsageError(f"{key.lower()} is given twice; give it once, for example: {command.example}")
            args[key.lower()] = value
        else:
            left.append(w)
    for p in command.params:
        if p.name in args:
            continue
        if p.rest:
            if left:
                args[p.name] = " ".join(left)
                left = []
        elif left and (p.required or p.choices) and not p.named:
            args[p.name] = left.pop(0)
    if left:
        raise UsageError(f"Too many words for {command.usage}; for example: {command.example}")
    return check_args(command, args)


def check_args(command: Command, args: dict[str, object]) -> dict[str, object]:
    """Types, choices and required parameters, with a reply that shows the right way."""
    out: dict[str, object] = {}
    for p in command.params:
        value = args.get(p.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if p.required:
                article = "an" if p.name[0] in "aeiou" else "a"
                raise UsageError(f"{command.usage} needs {article} {p.name}; for example: {command.example}")
            continue
        if p.kind is int and not isinstance(value, int):
            try:
                value = int(str(value))
            except ValueError:
                like = f"from {p.bounds[0]} to {p.bounds[1]}, like {p.name}:{max(2, p.bounds[0])}" if p.bounds else f"like {p.name}:2"
                raise UsageError(f"{p.name} must be a whole number {like}") from None
        if p.bounds and not p.bounds[0] <= value <= p.bounds[1]:
            raise UsageError(f"{p.name} must be from {p.bounds[0]} to {p.bounds[1]}; for example: {command.example}")
        if p.choices:
            value = str(value).lower()
            if value not in p.choices and len(p.choices) == 1:  # a lone keyword such as "reset"
                raise UsageError(f"I can't read {str(value)[:40]!r} in {command.usage}; for example: {command.example}")
            if value not in p.choices:
                raise UsageError(f"{p.name} must be one of {', '.join(p.choices)}; for example: {command.example}")
        out[p.name] = value
    return out
