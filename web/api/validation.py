"""Pydantic's validation errors as the API's Dutch ``errors`` list: one entry per bad field."""

from pydantic import ValidationError

# Pydantic error types, in Dutch; {name}s are filled from the error's context.
_MESSAGES = {
    "missing": "Dit veld is verplicht.",
    "extra_forbidden": "Dit veld bestaat niet.",
    "int_type": "Moet een geheel getal zijn.",
    "int_parsing": "Moet een geheel getal zijn.",
    "int_from_float": "Moet een geheel getal zijn.",
    "float_type": "Moet een getal zijn.",
    "float_parsing": "Moet een getal zijn.",
    "finite_number": "Moet een eindig getal zijn.",
    "bool_type": "Moet true of false zijn.",
    "bool_parsing": "Moet true of false zijn.",
    "string_type": "Moet tekst zijn.",
    "string_too_short": "Moet minstens {min_length} teken(s) lang zijn.",
    "string_too_long": "Mag hoogstens {max_length} tekens lang zijn.",
    "string_pattern_mismatch": "Heeft niet de juiste vorm.",
    "list_type": "Moet een lijst zijn.",
    "dict_type": "Moet een object zijn.",
    "model_type": "Moet een object zijn.",
    "model_attributes_type": "Moet een object zijn.",
    "literal_error": "Moet een van deze waarden zijn: {expected}.",
    "enum": "Moet een van deze waarden zijn: {expected}.",
    "greater_than": "Moet groter zijn dan {gt}.",
    "greater_than_equal": "Moet minstens {ge} zijn.",
    "less_than": "Moet kleiner zijn dan {lt}.",
    "less_than_equal": "Mag hoogstens {le} zijn.",
    "date_type": "Moet een datum zijn (JJJJ-MM-DD).",
    "date_parsing": "Moet een datum zijn (JJJJ-MM-DD).",
    "date_from_datetime_parsing": "Moet een datum zijn (JJJJ-MM-DD).",
    "date_from_datetime_inexact": "Moet een datum zijn (JJJJ-MM-DD), zonder tijd.",
    "json_invalid": "Geen geldige JSON.",
    "rfc3339": "Moet een tijdstip met tijdzone zijn (RFC 3339), bijv. 2026-06-29T12:28:00+02:00.",
    "timezone_aware": "Moet een tijdstip met tijdzone zijn (RFC 3339).",
    "value_error": "Ongeldige waarde.",
    "too_short": "Moet minstens {min_length} waarde(n) bevatten.",
    # A rule across fields (schemas.Body.rule_errors): its own Dutch message.
    "rule": "{message}",
}
_FALLBACK = "Ongeldige waarde."


def field_errors(error: ValidationError) -> list[dict]:
    """``[{"field", "message"}]`` for every failure, in Dutch, one per field."""
    found: dict[str, str] = {}
    items = error.errors(include_url=False)
    # An optional filter is "a value or absent" (``X | SkipJsonSchema[None]``): pydantic also
    # reports the absent branch, at "<field>.none"; the value's own error names the field.
    for item in sorted(items, key=lambda item: item["type"] == "none_required"):
        # Validators wrapped around a type add their own step ("function-before[...]").
        parts = [str(part) for part in item["loc"] if "[" not in str(part)]
        if item["type"] == "none_required" and parts[-1:] == ["none"]:
            parts = parts[:-1]
        field = ".".join(parts) or "body"
        if field not in found:
            found[field] = _message(item)
    return [{"field": field, "message": message} for field, message in found.items()]


def _message(item: dict) -> str:
    template = _MESSAGES.get(item["type"], _FALLBACK)
    context = dict(item.get("ctx", {}))
    if isinstance(context.get("expected"), str):
        # Pydantic lists the choices in English: "'a', 'b' or 'c'".
        head, _, last = context["expected"].rpartition(" or ")
        context["expected"] = f"{head} of {last}" if head else last
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return _FALLBACK
