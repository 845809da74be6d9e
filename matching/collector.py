"""Pausing Python's cycle collector while many objects without cycles are made."""

import gc
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused():
    """Pause the cycle collector while making many objects that hold no cycles.

    Explaining the matches of many people, or reading a large scenario, makes
    millions of dicts, lists and strings that live on; the collector walked
    all of them again each time a quarter more had survived, which took as
    long as making them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
