"""Alembic environment. The store passes its live connection in config.attributes, so
migrations run on exactly the engine (and PostgreSQL schema) the bot uses."""

from alembic import context
from sqlalchemy import create_engine

import corpus.channels  # noqa: F401  (registers the channel tables on Base.metadata)
import corpus.deliveries  # noqa: F401  (and the delivery log)
from corpus.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    # `alembic` on the command line, e.g. `alembic revision --autogenerate`.
    from config import load_settings

    engine = create_engine(config.get_main_option("sqlalchemy.url") or load_settings().database_url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
