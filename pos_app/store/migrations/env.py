"""Alembic environment: runs on the connection the app hands over in ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from pos_app.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite can only ALTER through table copies
    )
    with context.begin_transaction():
        context.run_migrations()
else:  # `alembic` command line, for developers writing new revisions
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
