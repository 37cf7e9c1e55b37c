"""an index on every journaled table's journal_seq

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 21:50:00

The journal reads back the rows each write marked with its entry (`WHERE journal_seq = N`) and
`journal verify` looks rows up by entry. Without an index each read-back scanned the whole table,
so an import's batches got slower as the table grew: a 300 MB IATI import went from 0.3 s to
1.0 s per 10,000 flows, quadratic in the file's size.
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

JOURNALED = ('region', 'region_crosswalk', 'donor', 'pairing', 'project', 'project_output', 'flow',
             'personnel', 'enterprise', 'indicator', 'observation', 'rate', 'price_index',
             'coverage')


def upgrade() -> None:
    for table in JOURNALED:
        op.create_index(f'ix_{table}_journal_seq', table, ['journal_seq'])


def downgrade() -> None:
    for table in JOURNALED:
        op.drop_index(f'ix_{table}_journal_seq', table_name=table)
