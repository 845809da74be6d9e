"""The brede intake form: the seven domains with need weights, and what matching needs.

Pseudonymous: no name, no BSN, no nationality; only the scenario fields.
"""

from datetime import date

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
from wtforms.validators import Length, NumberRange, Optional, Regexp

from models.people import Inburgeraar
from models.vocabulary import DOMAINS
from web.portal import choices
from web.portal.forms import CheckboxesField, PortalForm, optional_select
from web.portal.offer_forms import POSTCODE, SECTORS

WEIGHT_CHOICES = [
    SelectChoice("0", "0 – geen vraag"), SelectChoice("1", "1 – laag"),
    SelectChoice("2", "2 – gemiddeld"), SelectChoice("3", "3 – hoog"),
]
PSEUDONYM = Regexp(
    r"^[A-Za-z0-9-]{3,16}$", message="3 tot 16 letters, cijfers of streepjes; geen naam."
)


class IntakeForm(PortalForm):
    pseudonym = StringField(
        "Pseudoniem", validators=[Optional(), PSEUDONYM],
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
        validators=[Optional(), NumberRange(min=1, max=100, message="Tussen 1 en 100 km.")],
        description="Leeg laten: 15 km.",
    )
    sectors = StringField(
        "Gewenste sectoren voor werk, gescheiden door komma's",
        validators=[Optional(), Length(max=200), SECTORS],
    )
    education = optional_select("Opleiding", choices.EDUCATION_CHOICES)
    gender = optional_select("Geslacht", choices.GENDER_CHOICES,
                         description="Alleen nodig voor aanbod dat alleen voor vrouwen is.")
    birth_year = IntegerField(
        "Geboortejaar",
        validators=[Optional(), NumberRange(min=1900, max=date.today().year,
                                            message="Een jaar tussen 1900 en nu.")],
    )
    arrived_on = DateField("In Nederland sinds", validators=[Optional()])
    goals = TextAreaField("Doelen", validators=[Optional(), Length(max=2000)])

    NEED_FIELDS = {domain: f"need_{domain}" for domain in DOMAINS}

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

    def person_fields(self) -> dict:
        sectors = [s.strip().lower() for s in (self.sectors.data or "").split(",") if s.strip()]
        return {
            "postcode": self.postcode.data or None,
            "level": self.level.data or None,
            "leerroute": self.leerroute.data or None,
            "languages": self.languages.data,
            "latin_literate": self.latin_literate.data,
            "availability": self.availability.data,
            "childcare_needed": self.childcare_needed.data,
            "duaal": self.duaal.data,
            "max_travel_km": float(self.max_travel_km.data) if self.max_travel_km.data else None,
            "sectors": sectors,
            "education": self.education.data or None,
            "gender": self.gender.data or None,
            "birth_year": self.birth_year.data,
            "arrived_on": self.arrived_on.data,
            "goals": self.goals.data or None,
        }

    @classmethod
    def for_person(cls, person: Inburgeraar) -> "IntakeForm":
        """The form filled in with what is known of a person, to change it."""
        data = {
            "pseudonym": person.pseudonym,
            "postcode": person.postcode or "",
            "level": person.level or "",
            "leerroute": person.leerroute or "",
            "languages": person.languages,
            "latin_literate": person.latin_literate,
            "availability": person.availability,
            "childcare_needed": person.childcare_needed,
            "duaal": person.duaal,
            "max_travel_km": person.max_travel_km,
            "sectors": ", ".join(person.sectors),
            "education": person.education or "",
            "gender": person.gender or "",
            "birth_year": person.birth_year,
            "arrived_on": person.arrived_on,
            "goals": person.goals or "",
        }
        for domain, name in cls.NEED_FIELDS.items():
            weight = person.needs_by_domain.get(domain)
            data[name] = str(min(3, max(1, round(weight)))) if weight else "0"
        return cls(formdata=None, data=data)
