"""store uploads and page images uncompressed on PostgreSQL

JPEG, HEIC, PDF and PNG data are compressed already, but PostgreSQL tries to compress every large value
(pglz) before giving up: for a phone photo that costs about 13 ms of the 18 ms an upload's insert takes.
EXTERNAL storage keeps the values out of line without trying. Other databases have no such setting.

Revision ID: c4d81e6f0a52
Revises: a7c3e91f2b10
Create Date: 2026-12-07 16:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d81e6f0a52'
down_revision = 'a7c3e91f2b10'
branch_labels = None
depends_on = None

COLUMNS = (("pending_upload", "data"), ("page_image", "png"))


def _storage(kind):
    if op.get_bind().dialect.name == "postgresql":
        for table, column in COLUMNS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STORAGE {kind}")


def upgrade():
    _storage("EXTERNAL")


def downgrade():
    _storage("EXTENDED")
