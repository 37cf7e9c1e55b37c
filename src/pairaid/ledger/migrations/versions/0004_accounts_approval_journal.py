"""accounts, approval and the journal (issue 15)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 14:30:00

`account` (tokens stored as sha256 only), `journal` (the hash-chained history of every change)
and `journal_head` (one row, the chain's newest entry, which writers lock). Every journaled table
gains `journal_seq` (the entry that last wrote the row). The record tables gain `approval`
(draft | approved | returned; rows already in the ledger become approved) and who/when columns.
Plain `ALTER TABLE ... ADD COLUMN` on both backends: no table is copied, so a ledger of millions of
rows upgrades in moments.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

JOURNALED = ('region', 'region_crosswalk', 'donor', 'pairing', 'project', 'project_output', 'flow',
             'personnel', 'enterprise', 'indicator', 'observation', 'rate', 'price_index',
             'coverage')
APPROVED = ('pairing', 'project', 'project_output', 'flow', 'personnel', 'enterprise',
            'observation')
AUDIT = ('created_by', 'created_at', 'updated_by', 'updated_at')
GENESIS = '0' * 64


def upgrade() -> None:
    op.create_table(
        'account',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('region_code', sa.String(length=32), nullable=True),
        sa.Column('donor_code', sa.String(length=32), nullable=True),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.Text(), nullable=False),
        sa.Column('revoked_at', sa.Text(), nullable=True),
        sa.CheckConstraint("role = 'viewer' OR role = 'editor' OR role = 'approver' OR "
                           "role = 'admin'", name=op.f('ck_account_role_known')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
        sa.UniqueConstraint('name', name=op.f('uq_account_name')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_token_hash')),
    )
    op.create_table(
        'journal',
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('actor', sa.Text(), nullable=False),
        sa.Column('at', sa.Text(), nullable=False),
        sa.Column('table_name', sa.String(length=32), nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('before', sa.Text(), nullable=True),
        sa.Column('after', sa.Text(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint("action = 'insert' OR action = 'update' OR action = 'delete' OR "
                           "action = 'approve' OR action = 'return'",
                           name=op.f('ck_journal_action_known')),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_journal')),
        sa.UniqueConstraint('hash', name=op.f('uq_journal_hash')),
    )
    head = op.create_table(
        'journal_head',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_journal_head_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_head')),
    )
    op.bulk_insert(head, [{'id': 1, 'seq': 0, 'hash': GENESIS}])
    for table in JOURNALED:
        op.execute(f'ALTER TABLE {table} ADD COLUMN journal_seq INTEGER')
    for table in APPROVED:
        op.execute(f"ALTER TABLE {table} ADD COLUMN approval VARCHAR(16) DEFAULT 'approved' "
                   f"NOT NULL CONSTRAINT ck_{table}_approval_known CHECK (approval = 'draft' OR "
                   f"approval = 'approved' OR approval = 'returned')")
        for column in AUDIT:
            op.execute(f'ALTER TABLE {table} ADD COLUMN {column} TEXT')
        op.execute(f"CREATE INDEX ix_{table}_approval ON {table} (approval) "
                   f"WHERE approval <> 'approved'")


def downgrade() -> None:
    for table in APPROVED:
        op.execute(f'DROP INDEX ix_{table}_approval')
        with op.batch_alter_table(table) as batch:
            for column in ('approval', *AUDIT):
                batch.drop_column(column)
    for table in JOURNALED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('journal_seq')
    op.drop_table('journal_head')
    op.drop_table('journal')
    op.drop_table('account')
