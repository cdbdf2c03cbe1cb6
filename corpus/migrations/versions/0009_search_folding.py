"""PostgreSQL's search index finds what SQLite's does: stop words ("The Who", "it"), accents
folded ("cafe" finds "café", also written decomposed), and punctuation splitting words as the
query's words are split ("U.S." is u and s, "S-300" is s and 300; the 'english' parser kept
'u.s' and '-300'). SQLite's FTS5 index (porter unicode61 remove_diacritics 2) already did.

No extension is needed (unaccent is contrib): accents are folded with normalize() and the
combining marks' range, as corpus.search.fold folds the query's words.

Revision ID: 0009_search_folding
Revises: 0008_feed_added_url
"""

from alembic import op

revision = "0009_search_folding"
down_revision = "0008_feed_added_url"
branch_labels = None
depends_on = None

# ASCII and common typographic punctuation, each blanked: the parser makes hosts, signed numbers
# and hyphenated compounds of it, which the query's words never are.
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~‘’‚‛“”„‟–—―…«»‹›·•′″"
SQL_PUNCTUATION = PUNCTUATION.replace("'", "''")
MARKS = r"'[\u0300-\u036f]'"  # the combining diacritical marks, in PostgreSQL's regular expressions


def _folded(column: str, unicode: bool) -> str:
    """The column as the index reads it: NFKC without accents (a server that is not UTF8 can't
    normalize, and gets the punctuation blanked only), then punctuation blanked."""
    value = f"coalesce({column}, '')"
    if unicode:
        value = f"normalize(regexp_replace(normalize({value}, NFKD), {MARKS}, '', 'g'), NFC)"
    return f"translate({value}, '{SQL_PUNCTUATION}', '{' ' * len(PUNCTUATION)}')"


def _search_vector(config: str, title: str, text: str) -> None:
    op.execute("ALTER TABLE articles DROP COLUMN search_vector")  # its index goes with it
    # Title weighs more than body; the text is capped because a tsvector holds at most 1 MB.
    op.execute(
        "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('{config}', {title}), 'A') || "
        f"setweight(to_tsvector('{config}', {text}), 'B')) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search_vector)")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The english configuration with a Snowball stemmer that has no stop word list.
    op.execute("CREATE TEXT SEARCH DICTIONARY newsbot_english_stem (TEMPLATE = snowball, LANGUAGE = english)")
    op.execute("CREATE TEXT SEARCH CONFIGURATION newsbot_english (COPY = english)")
    op.execute("ALTER TEXT SEARCH CONFIGURATION newsbot_english ALTER MAPPING REPLACE english_stem WITH newsbot_english_stem")
    unicode = op.get_bind().exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
    _search_vector("newsbot_english", _folded("title", unicode), _folded("left(text, 200000)", unicode))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _search_vector("english", "coalesce(title, '')", "left(coalesce(text, ''), 200000)")
    op.execute("DROP TEXT SEARCH CONFIGURATION newsbot_english")
    op.execute("DROP TEXT SEARCH DICTIONARY newsbot_english_stem")
