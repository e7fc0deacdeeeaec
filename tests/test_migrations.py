"""The migrated schema matches the models, and migrations run down and up again."""
from __future__ import annotations

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect, text

from portal.extensions import db


def test_migrated_schema_matches_the_models(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_upgrade_again(app: Flask) -> None:
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert {"submission", "pending_upload", "page_image", "finding"} <= set(inspect(db.engine).get_table_names())


@pytest.mark.scale
def test_files_are_stored_uncompressed_on_postgresql(app: Flask) -> None:
    """PostgreSQL would try to compress every photo before giving up: migration c4d81e6f0a52 stops that."""
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        storage = dict(db.session.execute(text(
            "SELECT attrelid::regclass::text || '.' || attname, attstorage FROM pg_attribute"
            " WHERE (attrelid = 'pending_upload'::regclass AND attname = 'data')"
            " OR (attrelid = 'page_image'::regclass AND attname = 'png')")).all())
        assert storage == {"pending_upload.data": "e", "page_image.png": "e"}
