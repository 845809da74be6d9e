"""referral.as_referred and referral.chance_given: the person as referred, the chance given

A referral keeps the person's fields the matcher reads as they were when it
was made, and the chance of completing Wegwijs gave the pair then. Of the
referrals made before this revision, what is known is kept: where the
person's record has not changed since the referral was made, their fields now
are their fields then (without the leerroute and literacy where a PIP decides
them, which the engine reads from the PIP as now). The chance given then is not
known for any of them.

Revision ID: 9b4e2d7a6c15
Revises: e4c7b60962e6
Create Date: 2026-12-07 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9b4e2d7a6c15"
down_revision = "e4c7b60962e6"
branch_labels = None
depends_on = None

# The person's columns that are fields of the scenario's as_referred.
FIELDS = ("postcode", "languages", "level", "leerroute", "education", "availability",
          "childcare_needed", "max_travel_km", "sectors", "mentor_id", "latin_literate",
          "duaal")
FROM_PIP = ("leerroute", "latin_literate")

referral = sa.table("referral", sa.column("id", sa.Integer), sa.column("inburgeraar_id"),
                    sa.column("created_at", sa.DateTime(timezone=True)),
                    sa.column("as_referred", sa.JSON))
person = sa.table("inburgeraar", sa.column("id", sa.Integer),
                  sa.column("updated_at", sa.DateTime(timezone=True)),
                  sa.column("purged_at", sa.DateTime(timezone=True)),
                  *(sa.column(name, sa.JSON if name in ("languages", "availability", "sectors")
                              else None) for name in FIELDS))
pip = sa.table("pip", sa.column("inburgeraar_id", sa.Integer))


def upgrade():
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("as_referred", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("chance_given", sa.Float(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_referral_chance_given"),
            "chance_given IS NULL OR chance_given BETWEEN 0 AND 1",
        )
    bind = op.get_bind()
    with_pip = {row[0] for row in bind.execute(sa.select(pip.c.inburgeraar_id))}
    unchanged = bind.execute(
        sa.select(referral.c.id.label("referral_id"), person.c.id.label("person_id"),
                  *(person.c[name] for name in FIELDS))
        .select_from(referral).join(person, person.c.id == referral.c.inburgeraar_id)
        .where(person.c.updated_at <= referral.c.created_at, person.c.purged_at.is_(None))
    ).all()
    for row in unchanged:
        values = row._mapping
        fields = {name: values[name] for name in FIELDS
                  if values[name] is not None
                  and not (name in FROM_PIP and values["person_id"] in with_pip)}
        if fields.get("mentor_id") is not None:
            fields["mentor_id"] = str(fields["mentor_id"])
        bind.execute(sa.update(referral).where(referral.c.id == values["referral_id"])
                     .values(as_referred=fields))


def downgrade():
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_referral_chance_given"), type_="check")
        batch_op.drop_column("chance_given")
        batch_op.drop_column("as_referred")
