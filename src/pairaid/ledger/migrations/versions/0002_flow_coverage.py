"""flow coverage: the pairing-years for which the ledger holds every flow

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 03:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coverage',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('year_from', sa.Integer(), nullable=False),
    sa.Column('year_to', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.CheckConstraint('year_from BETWEEN 1949 AND 2100', name=op.f('ck_coverage_year_from_sane')),
    sa.CheckConstraint('year_to BETWEEN 1949 AND 2100', name=op.f('ck_coverage_year_to_sane')),
    sa.CheckConstraint('year_to >= year_from', name=op.f('ck_coverage_years_ordered')),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], name=op.f('fk_coverage_pairing_id_pairing')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage')),
    sa.UniqueConstraint('pairing_id', 'year_from', 'year_to', name='uq_coverage_natural')
    )
    with op.batch_alter_table('coverage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coverage_pairing_id'), ['pairing_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('coverage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coverage_pairing_id'))
    op.drop_table('coverage')
