class SeedError(Exception):
    """A seed file is unusable; the message names file and line."""
