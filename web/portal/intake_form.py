"""The brede intake form: the seven domains with need weights, and what matching needs.

Pseudonymous: no name, no BSN, no nationality; only the scenario fields.
"""


from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp

from models.field_rules import BIRTH_YEAR, LONG_TEXT, MAX_TRAVEL_KM, PSEUDONYM_PATTERN
from models.people import Inburgeraar
from models.person_fields import RECORDED_FIELDS
from models.pip import FIELDS as PIP_FIELDS
from models.vocabulary import DOMAINS
from web.portal import choices
from web.portal.choices import ALFABETISERING_CHOICES, PIP_LEERROUTE_CHOICES, PIP_NIVEAU_CHOICES
from web.portal.forms import (
    CheckboxesField,
    PortalForm,
    RecordedChoices,
    between,
    optional_select,
    within,
)
from web.portal.offer_forms import POSTCODE

# The recorded fields (models.person_fields) this form asks, each a field of the same name.
INTAKE_FIELDS = tuple(field.name for field in RECORDED_FIELDS if field.intake)
TEXT_FIELDS = ("postcode", "level", "leerroute", "education", "gender", "goals")
WEIGHT_CHOICES = [
    SelectChoice("0", "0 – geen vraag"), SelectChoice("1", "1 – laag"),
    SelectChoice("2", "2 – gemiddeld"), SelectChoice("3", "3 – hoog"),
]
PSEUDONYM = Regexp(
    PSEUDONYM_PATTERN, message="3 tot 16 letters, cijfers of streepjes; geen naam."
)


class IntakeForm(RecordedChoices, PortalForm):
    pseudonym = StringField(
        "Pseudoniem", validators=[Optional(), PSEUDONYM],
        filters=[lambda text: text.strip().upper() if text else text],
        description="Leeg laten: Wegwijs maakt er een. Gebruik nooit een naam of BSN.",
    )
    need_taal = SelectField("Taal", choices=WEIGHT_CHOICES, default="0")
    need_werk = SelectField("Werk", choices=WEIGHT_CHOICES, default="0")
    need_opleiding = SelectField("Opleiding", choices=WEIGHT_CHOICES, default="0")
    need_sociaal_netwerk = SelectField("Sociaal netwerk", choices=WEIGHT_CHOICES, default="0")
    need_gezondheid = SelectField("Gezondheid", choices=WEIGHT_CHOICES, default="0")
    need_opvoeding = SelectField("Opvoeding", choices=WEIGHT_CHOICES, default="0")
    need_rondkomen = SelectField("Rondkomen", choices=WEIGHT_CHOICES, default="0")
    postcode = StringField("Postcode (4 cijfers)", validators=[Optional(), POSTCODE])
    level = optional_select("Taalniveau Nederlands", choices.LEVEL_CHOICES)
    leerroute = optional_select("Leerroute", choices.LEERROUTE_CHOICES)
    languages = CheckboxesField(
        "Talen die de inburgeraar spreekt", choices=choices.LANGUAGE_CHOICES
    )
    latin_literate = BooleanField("Kan lezen en schrijven in het Latijnse schrift", default=True)
    availability = CheckboxesField("Beschikbaar op deze dagdelen", choices=choices.DAYPART_CHOICES)
    childcare_needed = BooleanField("Heeft kinderopvang nodig")
    duaal = BooleanField(
        "Duaal traject",
        description="Taal en werk naast elkaar: Wegwijs zoekt een taalcursus en een werkplek "
        "die in dezelfde week passen (geen gedeeld dagdeel).",
    )
    max_travel_km = DecimalField(
        "Maximale reisafstand in km",
        places=1,
        validators=[Optional(), between(MAX_TRAVEL_KM, "Een afstand in km")],
        description="Leeg laten: 15 km.",
    )
    sectors = CheckboxesField("Gewenste sectoren voor werk", choices=choices.SECTOR_CHOICES)
    # Not "Opleiding": that is the domain's need above.
    education = optional_select("Hoogst afgeronde opleiding", choices.EDUCATION_CHOICES)
    gender = optional_select("Geslacht", choices.GENDER_CHOICES,
                         description="Alleen nodig voor aanbod dat alleen voor vrouwen is.")
    birth_year = IntegerField(
        "Geboortejaar",
        validators=[Optional(), between(BIRTH_YEAR, "Een jaar")],
    )
    arrived_on = DateField("In Nederland sinds", validators=[Optional()])
    goals = TextAreaField("Doelen", validators=[Optional(), within(LONG_TEXT)])
    # The PIP as DUO holds it; DUO's rules are checked by the use case (models/pip.py).
    pip_dagtekening = DateField("Dagtekening van het PIP", validators=[Optional()])
    pip_leerroute = optional_select("Leerroute in het PIP", PIP_LEERROUTE_CHOICES)
    pip_niveau = optional_select(
        "Taalniveau in het PIP", PIP_NIVEAU_CHOICES,
        description="Leeg bij de B1-route of de onderwijsroute: dan legt DUO B1 vast.",
    )
    pip_intensiteit_b1_uren = IntegerField(
        "Geschatte intensiteit van de B1-route (uren)", validators=[Optional()],
        description="Alleen bij de B1-route, 1 tot 9999 uur.",
    )
    pip_alfabetisering = SelectField(
        "Alfabetisering in het PIP", choices=ALFABETISERING_CHOICES, default="NVT"
    )

    NEED_FIELDS = {domain: f"need_{domain}" for domain in DOMAINS}
    # A use case's field name → this form's (the needs' error beside the first need field).
    ERROR_FIELDS = {"needs": "need_taal", **{f"pip.{name}": f"pip_{name}" for name in PIP_FIELDS}}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any(self[name].data not in (None, "0") for name in self.NEED_FIELDS.values()):
            self.form_errors.append("Geef minstens één domein van de brede intake een gewicht.")
            self.need_taal.errors = [*self.need_taal.errors, "Kies een gewicht van 1 tot 3."]
            return False
        return valid

    def needs(self) -> dict[str, float]:
        return {
            domain: float(self[name].data)
            for domain, name in self.NEED_FIELDS.items()
            if self[name].data not in (None, "0")
        }

    def pip(self) -> dict | None:
        """The PIP as filled in; None when the gemeente has not decided on one (all empty)."""
        values = {name: self[f"pip_{name}"].data or None for name in PIP_FIELDS}
        if values["alfabetisering"] == "NVT":
            values["alfabetisering"] = None
        if not any(values.values()):
            return None
        values["alfabetisering"] = values["alfabetisering"] or "NVT"
        if self.pip_intensiteit_b1_uren.data == 0:  # 0 is a value, and out of range
            values["intensiteit_b1_uren"] = 0
        return values

    def person_fields(self) -> dict:
        """Every recorded field the intake asks (``models.person_fields``); empty text is None."""
        values = {name: self[name].data for name in INTAKE_FIELDS}
        if values["max_travel_km"] is not None:
            values["max_travel_km"] = float(values["max_travel_km"])
        return {name: None if value == "" else value for name, value in values.items()}

    @classmethod
    def for_person(cls, person: Inburgeraar) -> "IntakeForm":
        """The form filled in with what is known of a person, to change it."""
        data = {name: getattr(person, name) for name in INTAKE_FIELDS}
        # A text or choice field shows nothing for None; numbers and dates take None.
        data = {name: "" if value is None and name in TEXT_FIELDS else value
                for name, value in data.items()}
        data["pseudonym"] = person.pseudonym
        if person.pip is not None:
            data.update({f"pip_{name}": value or "" for name, value in person.pip.as_dict().items()
                         if name != "intensiteit_b1_uren"})
            data["pip_intensiteit_b1_uren"] = person.pip.intensiteit_b1_uren
        for domain, name in cls.NEED_FIELDS.items():
            weight = person.needs_by_domain.get(domain)
            data[name] = str(min(3, max(1, round(weight)))) if weight else "0"
        return cls(formdata=None, data=data)
