"""Tests that need a system service skip without it, unless CI says it must be there."""

import os

import pytest

REQUIRE_SERVICES = os.environ.get("WEGWIJS_REQUIRE_SERVICES") == "1"


def service_missing(reason: str):
    """Called where a service is missing: skip on a machine without it (a fresh clone's
    ``make test`` has no PostgreSQL), fail when WEGWIJS_REQUIRE_SERVICES=1 (``.ci/run``)."""
    if not REQUIRE_SERVICES:
        pytest.skip(reason)
    pytest.fail(f"required service missing: {reason}", pytrace=False)
