"""The base of every portal form: Flask-WTF (CSRF) with WTForms' Dutch messages."""

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, ValidationError

from models.errors import DomainError, InvalidInput
from models.field_rules import NumberLimit, TextLimit
from models.vocabulary import LANGUAGE_NAMES, SECTOR_NAMES
from web.portal.choices import optional, with_recorded


class PortalForm(FlaskForm):
    class Meta:
        # WTForms' own Dutch translations ("Ongeldig getal."); see WTF_I18N_ENABLED in init_portal.
        locales = ("nl",)

    # A use case's field name → this form's field, where they differ.
    ERROR_FIELDS: dict[str, str] = {}

    def show_error(self, error: DomainError) -> None:
        """The portal's one path from a refused use case to the page, as web/api/errors.py
        is the API's: each bad field's message beside that field, anything else above
        the form. The view answers 422 and the unit of work writes nothing.
        """
        items = error.errors if isinstance(error, InvalidInput) else [
            {"field": None, "message": error.message}]
        self.show_errors(items)

    def show_rule_errors(self, items: list[dict]) -> None:
        """A use case's errors beside a form whose own checks failed: a field that has its
        own message keeps only that, so every error shows in one round, and once."""
        self.show_errors([item for item in items
                          if (field := self._field_of(item["field"])) is None or not field.errors])

    def show_errors(self, items: list[dict]) -> None:
        """Each ``{"field", "message"}`` beside its field (once), the others above the form."""
        for item in items:
            field = self._field_of(item["field"])
            if field is None:
                if item["message"] not in self.form_errors:
                    self.form_errors.append(item["message"])
            elif item["message"] not in field.errors:
                field.errors = [*field.errors, item["message"]]

    def _field_of(self, name: str | None):
        return getattr(self, self.ERROR_FIELDS.get(name, name or ""), None)


class RecordedChoices:
    """For a form that changes a person or an offer: a language or sector recorded before the
    lists were closed (or through the API, or an HSDS import) stays a choice, so that
    saving the form keeps it."""

    RECORDED = {"languages": LANGUAGE_NAMES, "sectors": SECTOR_NAMES}

    def keep_recorded_choices(self, recorded) -> None:
        for name, names in self.RECORDED.items():
            if name in self._fields:
                self[name].choices = with_recorded(self[name].choices, getattr(recorded, name),
                                                   names)


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (day parts, sectors, ...): one value per ticked box."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form) -> None:
        allowed = {str(choice.value) for choice in self.choices}
        for value in self.data or []:
            if str(value) not in allowed:
                # ValidationError, not ValueError: WTForms shows only the former as an error.
                raise ValidationError("Kies uit de lijst.")


def optional_select(label: str, options: list[SelectChoice], **kwargs) -> SelectField:
    """A select that may stay empty ("— geen —"), also when the field is not sent at all."""
    return SelectField(label, choices=optional(options), default="", **kwargs)


def within(limit: TextLimit) -> Length:
    """A text field's length, as ``models.field_rules`` declares it."""
    return Length(max=limit.max_length)


def between(limit: NumberLimit, what: str) -> NumberRange:
    """A number field's range, as ``models.field_rules`` declares it, with a Dutch message.

    >>> between(CAPACITY, "Een aantal").message
    'Een aantal van 0 tot 10.000.'
    """
    low, high = (_dutch(value) for value in (limit.minimum, limit.maximum))
    message = f"{what} van {low} tot {high}."
    return NumberRange(min=limit.minimum, max=limit.maximum, message=message)


def _dutch(number: float) -> str:
    # A point between thousands from 10.000 up, as Dutch writes counts (not years).
    return f"{number:,}".replace(",", ".") if number >= 10_000 else f"{number:g}"
