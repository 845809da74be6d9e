"""Why a referral was declined or dropped: the contract's closed list of reason codes.

The codes are the engine's (``matching.vocab.REASON_CODES``), so the matcher
learns from the same words the partner chose: a decline for ``vol`` says the
offer was full, not that the pair fits badly.
"""

from matching.vocab import REASON_CODES
from models.errors import InvalidInput

__all__ = ["OTHER", "REASON_CODES", "REASON_CODE_LABELS", "check_reason"]

OTHER = "anders"

# What the portal shows for each code (the contract's meaning, in Dutch).
REASON_CODE_LABELS = {
    "vol": "Vol: geen plaats meer",
    "niveau": "Niveau of vooropleiding past niet",
    "rooster": "Tijden passen niet",
    "afstand": "Te ver weg of reizen lukt niet",
    "doelgroep": "Valt buiten de doelgroep",
    "geen_reactie": "Inburgeraar reageerde niet of kwam niet",
    "persoonlijk": "Persoonlijk (gezondheid, gezin, verhuizing)",
    OTHER: "Anders (licht toe)",
}


def check_reason(needs_code: bool, reason_code: str | None, reason: str | None) -> None:
    """Raise InvalidInput naming ``reason_code`` or ``reason`` when the pair does not fit.

    A move that needs a code (declined, dropped) takes one of the list, and
    ``anders`` needs the text; any other move takes no code.
    """
    if not needs_code:
        if reason_code is not None:
            _refuse("reason_code", "Een redencode hoort alleen bij afwijzen of voortijdig stoppen.")
        return
    if reason_code not in REASON_CODES:
        _refuse("reason_code", "Kies een reden uit de lijst: " + ", ".join(REASON_CODES) + ".")
    if reason_code == OTHER and not reason:
        _refuse("reason", "Licht de reden 'anders' toe.")


def _refuse(field: str, message: str) -> None:
    raise InvalidInput(message, [{"field": field, "message": message}])
