"""Exceptions raised by the matching engine.

Every error the engine raises on purpose derives from :class:`MatchingError`,
so a caller (the command line, the web app) can catch the engine's errors
without catching programming errors.
"""

__all__ = ["MatchingError", "ScenarioError", "UnknownObjectError"]


class MatchingError(Exception):
    """Base class of the engine's own errors."""


class ScenarioError(MatchingError, ValueError):
    """A scenario that is not valid, naming the object and field at fault.

    Parameters
    ----------
    path : str
        Where the error is, as ``offers[3].min_level``; ``$`` is the document.
    message : str
        What is wrong, on one line.

    Examples
    --------
    >>> str(ScenarioError("offers[3].min_level", "'B3' is not a level"))
    "offers[3].min_level: 'B3' is not a level"
    """

    def __init__(self, path, message):
        super().__init__(path, message)
        self.path = path
        self.message = message

    def __str__(self):
        return f"{self.path}: {self.message}"


class UnknownObjectError(MatchingError, LookupError):
    """An id that names no inburgeraar, offer or partner of the scenario.

    Examples
    --------
    >>> str(UnknownObjectError("inburgeraar", "i9"))
    "no inburgeraar with id 'i9'"
    """

    def __init__(self, kind, object_id):
        super().__init__(kind, object_id)
        self.kind = kind
        self.object_id = object_id

    def __str__(self):
        return f"no {self.kind} with id {self.object_id!r}"
