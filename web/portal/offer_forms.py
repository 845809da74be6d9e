"""The forms of a partner's offers and a werkgever's plekken.

Fields are the scenario contract's offer fields; the rules that span
fields or need the database live in ``models.offers`` and come back as
field errors.
"""

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, Regexp

from models.field_rules import AGE, CAPACITY, HOURS_PER_WEEK, LONG_TEXT, PC4_PATTERN, TITLE
from web.portal import choices
from web.portal.forms import (
    CheckboxesField,
    PortalForm,
    RecordedChoices,
    between,
    optional_select,
    within,
)

POSTCODE = Regexp(
    PC4_PATTERN, message="Vul de vier cijfers van een postcode in, bijvoorbeeld 3511."
)


class OfferForm(RecordedChoices, PortalForm):
    """An offer of a taalschool, maatjesproject, mentor, onderwijsinstelling, welzijn, overig."""

    title = StringField("Titel", validators=[InputRequired("Geef een titel op."), within(TITLE)])
    domain = SelectField("Domein van de brede intake", choices=choices.DOMAIN_CHOICES)
    kind = SelectField("Soort aanbod", choices=choices.kind_choices(choices.PARTNER_KINDS))
    capacity = IntegerField(
        "Aantal plaatsen",
        validators=[
            InputRequired("Geef het aantal plaatsen op."),
            between(CAPACITY, "Een aantal"),
        ],
    )
    postcode = StringField("Postcode (4 cijfers) van de locatie", validators=[Optional(), POSTCODE])
    min_level = optional_select("Minimaal taalniveau", choices.LEVEL_CHOICES)
    max_level = optional_select("Maximaal taalniveau", choices.LEVEL_CHOICES)
    leerroutes = CheckboxesField("Leerroutes (geen keuze: alle)", choices=choices.LEERROUTE_CHOICES)
    schedule = CheckboxesField("Dagdelen (geen keuze: elk moment)", choices=choices.DAYPART_CHOICES)
    languages = CheckboxesField("Ondersteunende talen", choices=choices.LANGUAGE_CHOICES)
    women_only = BooleanField("Alleen voor vrouwen")
    childcare = BooleanField("Met kinderopvang")
    alfa = BooleanField("Alfabetiseringscursus (voor wie het Latijnse schrift nog leert)")
    min_age = IntegerField(
        "Minimumleeftijd",
        validators=[Optional(), between(AGE, "Een leeftijd")],
    )
    max_age = IntegerField(
        "Maximumleeftijd",
        validators=[Optional(), between(AGE, "Een leeftijd")],
    )
    start = DateField("Startdatum", validators=[Optional()])
    description = TextAreaField("Beschrijving", validators=[Optional(), within(LONG_TEXT)])

    def offer_fields(self) -> dict:
        fields = {name: self[name].data for name in self.FIELDS}
        fields["postcode"] = fields["postcode"] or None
        for name in ("min_level", "max_level"):
            fields[name] = fields[name] or None
        return fields

    FIELDS = (
        "title", "domain", "kind", "capacity", "postcode", "min_level", "max_level", "leerroutes",
        "schedule", "languages", "women_only", "childcare", "alfa", "min_age", "max_age", "start",
        "description",
    )


class PlekForm(RecordedChoices, PortalForm):
    """A werkgever's plek: baan, stage, werkervaringsplek or vrijwilligerswerk (domain werk)."""

    title = StringField("Titel", validators=[InputRequired("Geef een titel op."), within(TITLE)])
    kind = SelectField("Soort plek", choices=choices.kind_choices(choices.WERKGEVER_KINDS))
    capacity = IntegerField(
        "Aantal plekken",
        validators=[
            InputRequired("Geef het aantal plekken op."),
            between(CAPACITY, "Een aantal"),
        ],
    )
    sectors = CheckboxesField(
        "Sector", choices=choices.SECTOR_CHOICES,
        validators=[InputRequired("Geef de sector op.")],
    )
    hours_per_week = DecimalField(
        "Uren per week",
        places=1,
        validators=[
            InputRequired("Geef het aantal uren per week op."),
            between(HOURS_PER_WEEK, "Een aantal uren per week"),
        ],
    )
    min_level = optional_select("Minimaal taalniveau", choices.LEVEL_CHOICES)
    schedule = CheckboxesField("Rooster: dagdelen", choices=choices.DAYPART_CHOICES)
    postcode = StringField(
        "Postcode (4 cijfers) van de werkplek", validators=[Optional(), POSTCODE]
    )
    languages = CheckboxesField(
        "Talen op de werkvloer naast Nederlands", choices=choices.LANGUAGE_CHOICES
    )
    start = DateField("Startdatum", validators=[Optional()])
    description = TextAreaField("Beschrijving", validators=[Optional(), within(LONG_TEXT)])

    def offer_fields(self) -> dict:
        return {
            "title": self.title.data,
            "domain": "werk",
            "kind": self.kind.data,
            "capacity": self.capacity.data,
            "sectors": self.sectors.data,
            "hours_per_week": (None if self.hours_per_week.data is None
                               else float(self.hours_per_week.data)),
            "min_level": self.min_level.data or None,
            "schedule": self.schedule.data,
            "postcode": self.postcode.data or None,
            "languages": self.languages.data,
            "start": self.start.data,
            "description": self.description.data or None,
        }


class CapacityForm(PortalForm):
    """Change the number of places of one offer (never below what referrals hold)."""

    offer_id = HiddenField()
    capacity = IntegerField(
        "Aantal plaatsen",
        validators=[
            InputRequired("Geef het aantal plaatsen op."),
            between(CAPACITY, "Een aantal"),
        ],
    )


class StatusForm(PortalForm):
    """Move a referral on: the target state, and a reason where the lifecycle asks one."""

    to_status = HiddenField(validators=[InputRequired()])
    # Checked by the use case (models.reason_codes), which names the field when it is missing.
    reason_code = SelectField(
        "Reden", choices=choices.REASON_CODE_CHOICES, default="", validate_choice=False
    )
    reason = TextAreaField("Toelichting", validators=[Optional(), within(LONG_TEXT)])
