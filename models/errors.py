"""Domain errors raised by the use cases; web/ maps each to an HTTP status."""


class DomainError(Exception):
    """Base of every rule the domain refuses; ``message`` is Dutch, for users."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


class InvalidInput(DomainError):
    """Input that breaks a rule; ``errors`` names every bad field."""

    def __init__(self, message: str, errors: list[dict[str, str]]):
        super().__init__(message)
        self.errors = errors  # [{"field": ..., "message": ...}]


class DomainUnderWay(Conflict):
    """The person already holds a referral under way in the offer's domain."""

    def __init__(self, message: str, referral_id: int):
        super().__init__(message)
        self.referral_id = referral_id
