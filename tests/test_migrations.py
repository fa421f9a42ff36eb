"""The migrations and the models describe the same schema, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from audit.db import db


def test_the_migrations_build_exactly_the_models_schema(empty_app):
    # A difference here means a model changed without a migration (or the reverse): the
    # next `flask db migrate` would silently undo it, as it would a forgotten index.
    with empty_app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
