"""flow amounts may be negative: IATI transactions carry reversals and decommitments

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 03:30:00

A published IATI file states a reversal as a negative transaction (AidData's Uganda release has
23). The ledger kept them out with `amount >= 0`; it now holds them, so the file's totals are the
ledger's. Office files are still refused negative amounts by the importer (ingest/tables.py):
only the IATI importer, which knows the standard allows them, writes them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_NEW = 'amount >= -1000000000000000 AND amount <= 1000000000000000'
_OLD = 'amount >= 0 AND amount <= 1000000000000000'


def _flow(rule: str) -> sa.Table:
    """The flow table as it stands after (or before) this revision, for SQLite's table copy."""
    return sa.Table(
        'flow', sa.MetaData(),
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('pairing_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('amount', sa.Float(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('sector', sa.String(length=8), nullable=False),
        sa.Column('project_code', sa.String(length=64), nullable=True),
        sa.Column('source', sa.Text(), nullable=True),
        sa.Column('ref', sa.String(length=64), server_default='', nullable=False),
        sa.CheckConstraint("kind = 'commitment' OR kind = 'disbursement' OR kind = 'expenditure' "
                           "OR kind = 'investment_secured'", name='ck_flow_kind_known'),
        sa.CheckConstraint(rule, name='ck_flow_amount_range'),
        sa.CheckConstraint('year BETWEEN 1949 AND 2100', name='ck_flow_year_sane'),
        sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], name='fk_flow_pairing_id_pairing'),
        sa.ForeignKeyConstraint(['project_code'], ['project.code'],
                                name='fk_flow_project_code_project'),
        sa.PrimaryKeyConstraint('id', name='pk_flow'),
        sa.UniqueConstraint('pairing_id', 'year', 'kind', 'sector', 'ref', name='uq_flow_natural'),
    )


def _replace_rule(rule: str) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot alter a CHECK: copy the table with the new rule (one transaction)
        with op.batch_alter_table('flow', copy_from=_flow(rule), recreate='always'):
            pass
    else:
        # op.f: the name as written (the metadata's naming convention would prefix it again)
        op.drop_constraint(op.f('ck_flow_amount_range'), 'flow', type_='check')
        op.create_check_constraint(op.f('ck_flow_amount_range'), 'flow', rule)


def upgrade() -> None:
    _replace_rule(_NEW)


def downgrade() -> None:
    _replace_rule(_OLD)
