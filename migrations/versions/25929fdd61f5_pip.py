"""the PIP of an inburgeraar, with DUO's rules as CHECKs

One PIP per inburgeraar (the current decision). Leerroute B/O/Z, niveau A2/B1
(A2 never with O, B1 never with Z, recorded B1 with B or O), the estimated
hours only with B (1 to 9999), alfabetisering A/AA/NVT.

Revision ID: 25929fdd61f5
Revises: 18e28ab1674c
Create Date: 2026-11-27 10:08:43.344551

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '25929fdd61f5'
down_revision = '18e28ab1674c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inburgeraar_id', sa.Integer(), nullable=False),
    sa.Column('dagtekening', sa.Date(), nullable=False),
    sa.Column('leerroute', sa.String(length=1), nullable=False),
    sa.Column('niveau', sa.String(length=2), nullable=True),
    sa.Column('intensiteit_b1_uren', sa.Integer(), nullable=True),
    sa.Column('alfabetisering', sa.String(length=3), nullable=False),
    sa.CheckConstraint("NOT (niveau = 'A2' AND leerroute = 'O')", name=op.f('ck_pip_a2_not_onderwijs')),
    sa.CheckConstraint("NOT (niveau = 'B1' AND leerroute = 'Z')", name=op.f('ck_pip_b1_not_z')),
    sa.CheckConstraint("alfabetisering IN ('A', 'AA', 'NVT')", name=op.f('ck_pip_alfabetisering')),
    sa.CheckConstraint("intensiteit_b1_uren IS NULL OR leerroute = 'B'", name=op.f('ck_pip_intensiteit_only_b')),
    sa.CheckConstraint("leerroute IN ('B', 'O', 'Z')", name=op.f('ck_pip_leerroute')),
    sa.CheckConstraint("niveau IS NOT NULL OR leerroute = 'Z'", name=op.f('ck_pip_niveau_recorded')),
    sa.CheckConstraint("niveau IS NULL OR niveau IN ('A2', 'B1')", name=op.f('ck_pip_niveau')),
    sa.CheckConstraint('intensiteit_b1_uren IS NULL OR intensiteit_b1_uren BETWEEN 1 AND 9999', name=op.f('ck_pip_intensiteit_range')),
    sa.ForeignKeyConstraint(['inburgeraar_id'], ['inburgeraar.id'], name=op.f('fk_pip_inburgeraar_id_inburgeraar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pip')),
    sa.UniqueConstraint('inburgeraar_id', name=op.f('uq_pip_inburgeraar_id'))
    )


def downgrade():
    op.drop_table('pip')
