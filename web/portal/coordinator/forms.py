"""The coordinator's filter forms. They only read, so they travel by GET, without CSRF token."""

from datetime import date, timedelta

from sqlalchemy import select
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, ValidationError

from models.clock import local_today
from models.coalition import Partner
from models.geography import Gemeente
from models.reports.referral_selection import Selection
from models.vocabulary import DOMAINS
from web.extensions import db
from web.portal.forms import PortalForm
from web.portal.labels import DOMAIN_LABELS

DEFAULT_PERIOD_DAYS = 90


# A filter's dates lie in these years: the day after 9999-12-31, or 0001-01-01 in UTC, lies
# outside Python's dates, and a period bound computed from one failed with a 500.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


class DutchDateField(DateField):
    """A date (``jjjj-mm-dd``, as ``<input type="date">`` sends it) with a Dutch message."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None  # InputRequired reports the empty field
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Vul een geldige datum in, bijvoorbeeld 2025-11-01.") from None
        if not FIRST_DAY <= self.data <= LAST_DAY:
            self.data = None
            raise ValueError(f"Vul een datum tussen {FIRST_DAY.year} en {LAST_DAY.year} in.")


class FilterForm(PortalForm):
    class Meta:
        csrf = False


class PeriodForm(FilterForm):
    van = DutchDateField("Van", validators=[InputRequired("Vul een begindatum in.")])
    tot = DutchDateField("Tot en met", validators=[InputRequired("Vul een einddatum in.")])

    def validate_tot(self, field):
        if self.van.data and field.data and field.data < self.van.data:
            raise ValidationError("De einddatum ligt vóór de begindatum.")

    @staticmethod
    def defaults(today: date | None = None) -> dict[str, str]:
        """The last 90 days up to today, when no period is asked for."""
        today = today or local_today()
        start = today - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        return {"van": start.isoformat(), "tot": today.isoformat()}


class FunnelForm(PeriodForm):
    """The period, and optionally one gemeente's, partner's or domain's referrals."""

    gemeente = SelectField("Gemeente van de inburgeraar", default="")
    partner = SelectField("Partner", default="")
    domein = SelectField("Domein", choices=[SelectChoice("", "alle domeinen"), *(
        SelectChoice(d, DOMAIN_LABELS[d]) for d in DOMAINS)], default="")

    def scope(self) -> Selection:
        return Selection(
            gemeente_id=int(self.gemeente.data) if self.gemeente.data else None,
            partner_id=int(self.partner.data) if self.partner.data else None,
            domain=self.domein.data or None,
        )


def fill_scope_choices(form) -> None:
    """The gemeenten and partners to choose from (``form.gemeente``, ``form.partner``)."""
    gemeenten = db.session.execute(select(Gemeente.id, Gemeente.name).order_by(Gemeente.name))
    form.gemeente.choices = [SelectChoice("", "alle gemeenten"),
                             *(SelectChoice(str(g.id), g.name) for g in gemeenten)]
    partners = db.session.execute(select(Partner.id, Partner.name).order_by(Partner.name))
    form.partner.choices = [SelectChoice("", "alle partners"),
                            *(SelectChoice(str(p.id), p.name) for p in partners)]


class DomainForm(FilterForm):
    domein = SelectField(
        "Domein",
        choices=[
            SelectChoice("", "Alle domeinen"),
            *(SelectChoice(d, DOMAIN_LABELS[d]) for d in DOMAINS),
        ],
        default="",
        validate_choice=False,
        validators=[AnyOf(["", *DOMAINS], message="Kies een domein uit de lijst.")],
    )
