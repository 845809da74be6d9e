"""Tests that need a system service skip without it, unless CI says it must be there."""

import os

import pytest

REQUIRE_SERVICES = os.environ.get("WEGWIJS_REQUIRE_SERVICES") == "1"


def service_missing(reason: str):
    """Skip the test, or fail it when WEGWIJS_REQUIRE_SERVICES=1 (set by .ci/run)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)
