"""Domain errors raised by the use cases; web/ maps each to an HTTP status.

A unit of work that watches (``models.unit_of_work.watching_domain_errors``, as
every request does) learns of each domain error raised inside it, even one a
view catches to show a form again, and then commits nothing.
"""

from contextvars import ContextVar

# The domain errors raised in the current watched unit of work; None when nobody watches.
_raised: ContextVar[list["DomainError"] | None] = ContextVar("wegwijs_domain_errors",
                                                             default=None)


class DomainError(Exception):
    """Base of every rule the domain refuses; ``message`` is Dutch, for users.

    ``rolls_back``: whether the watching unit of work must roll back once this was
    raised. A refusal whose own record must stay (a failed login counted) sets it False.
    """

    rolls_back = True

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
        raised = _raised.get()
        if raised is not None and self.rolls_back:
            raised.append(self)


class NotFound(DomainError):
    """The object does not exist, or lies outside the actor's reach (the same to them)."""


class Forbidden(DomainError):
    """The actor's role may not do this at all."""


class Conflict(DomainError):
    """The request clashes with the current state."""


class OfferFull(Conflict):
    """No free place is left on the offer."""


class IllegalTransition(Conflict):
    """The referral lifecycle has no such move from the current state (for this role)."""


class AlreadyReferred(Conflict):
    """The inburgeraar already has a referral to this offer that holds a place."""


class NotEligible(DomainError):
    """The inburgeraar fails hard rules of the matcher for this offer."""

    def __init__(self, message: str, failures: list[tuple[str, str]]):
        super().__init__(message)
        self.failures = failures  # [(rule, Dutch explanation)]
        # The request's field that does not fit: the offer referred to, unless the caller
        # names the offer otherwise (the waitlist's is in its URL: then the person).
        self.field = "offer_id"
        # Other bad fields of the same request (a note), named beside the rules: a 422
        # names every bad field at once.
        self.also: list[dict[str, str]] = []


class InvalidInput(DomainError):
    """Input that breaks a rule; ``errors`` names every bad field."""

    def __init__(self, message: str, errors: list[dict[str, str]]):
        super().__init__(message)
        self.errors = errors  # [{"field": ..., "message": ...}]


def invalid_input(errors: list[dict[str, str]], summary: str) -> InvalidInput:
    """The 422 naming ``errors``: the one message as detail, else ``summary``."""
    return InvalidInput(errors[0]["message"] if len(errors) == 1 else summary, errors)


class DomainUnderWay(Conflict):
    """The person already holds a referral under way in the offer's domain."""

    def __init__(self, message: str, referral_id: int):
        super().__init__(message)
        self.referral_id = referral_id
