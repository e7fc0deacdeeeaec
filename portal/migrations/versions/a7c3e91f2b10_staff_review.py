"""staff review: submission status decisions, TOTP replay guard

Revision ID: a7c3e91f2b10
Revises: 5db9361b3439
Create Date: 2026-11-29 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91f2b10'
down_revision = '5db9361b3439'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('submission_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_review_submission_id'), ['submission_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')

    with op.batch_alter_table('submission_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_review_submission_id'))

    op.drop_table('submission_review')
