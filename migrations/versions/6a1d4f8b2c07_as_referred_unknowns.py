"""referral.as_referred: a field not known when the referral was made is kept as null

A snapshot left out the fields that had no value, and the matcher then took
the person's value now (a level tested, a mentor found after the referral).
Snapshots now hold every field, null where nothing was known. Of the ones
written before, what they left out was empty then, so it is written as null:
a snapshot taken when the referral was made (it has the chance given) held
every field with a value; one of revision 9b4e2d7a6c15 (no chance given) was
taken only where the person had not changed since, except the leerroute and
literacy of a person with a PIP, which the engine reads from the PIP as now
and stay left out.

Revision ID: 6a1d4f8b2c07
Revises: 3c8d5e1a9f27
Create Date: 2026-12-07 23:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6a1d4f8b2c07"
down_revision = "3c8d5e1a9f27"
branch_labels = None
depends_on = None

# The scenario's as_referred fields, as of this revision.
FIELDS = ("postcode", "lat", "lon", "languages", "level", "leerroute", "education",
          "availability", "childcare_needed", "max_travel_km", "sectors", "mentor_id",
          "latin_literate", "duaal")
FROM_PIP = ("leerroute", "latin_literate")

referral = sa.table("referral", sa.column("id", sa.Integer),
                    sa.column("inburgeraar_id", sa.Integer),
                    sa.column("chance_given", sa.Float), sa.column("as_referred", sa.JSON))
pip = sa.table("pip", sa.column("inburgeraar_id", sa.Integer))


def upgrade():
    bind = op.get_bind()
    with_pip = {row[0] for row in bind.execute(sa.select(pip.c.inburgeraar_id))}
    rows = bind.execute(
        sa.select(referral.c.id, referral.c.inburgeraar_id, referral.c.chance_given,
                  referral.c.as_referred)
        .where(referral.c.as_referred.is_not(None))
    ).all()
    for row in rows:
        fields = row.as_referred
        if not isinstance(fields, dict):  # JSON null
            continue
        backfilled = row.chance_given is None
        missing = [name for name in FIELDS if name not in fields
                   and not (backfilled and name in FROM_PIP and row.inburgeraar_id in with_pip)]
        if missing:
            bind.execute(sa.update(referral).where(referral.c.id == row.id)
                         .values(as_referred={**fields, **dict.fromkeys(missing)}))


def downgrade():
    # The older code reads a null as "no value" as well: nothing to undo.
    pass
