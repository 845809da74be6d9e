"""Every timestamp the API answers with is RFC 3339: UTC with its offset, on every database."""

import re

import api_world

from models.referral_service import refer

world = api_world.world
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$")
MOMENT_FIELDS = {"at", "created_at", "updated_at", "status_changed_at", "expires_at"}


def moments(value, found=None) -> list[str]:
    found = [] if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            if key in MOMENT_FIELDS and item is not None:
                found.append(item)
            moments(item, found)
    elif isinstance(value, list):
        for item in value:
            moments(item, found)
    return found


def test_timestamps_carry_their_offset(client, session, world):
    km = world["users"]["km_utrecht"]
    referral = refer(session, actor_id=km.id, inburgeraar_id=world["person_utrecht"].id,
                     offer_id=world["course"].id, note=None)
    coordinator = world["auth"]["coordinator"]
    bodies = [
        client.get("/api/v1/referrals", headers=coordinator).get_json(),
        client.get(f"/api/v1/referrals/{referral.id}", headers=world["auth"]["school"]).get_json(),
        client.get(f"/api/v1/inburgeraars/{world['person_utrecht'].id}/export",
                   headers=coordinator).get_json(),
        client.get("/api/v1/access-log", headers=coordinator).get_json(),
    ]
    found = moments(bodies)
    assert len(found) >= 8
    assert [m for m in found if not RFC3339_UTC.match(m)] == []


def test_access_log_filters_take_rfc3339_moments_only(client, world):
    headers = world["auth"]["coordinator"]
    ok = client.get("/api/v1/access-log?since=2026-01-01T00:00:00%2B01:00", headers=headers)
    assert ok.status_code == 200
    for bad in ("0.5", "2026-01-01T00:00:00", "gisteren"):
        response = client.get(f"/api/v1/access-log?until={bad}", headers=headers)
        body = api_world.assert_problem(response, 422)
        assert body["errors"][0]["field"] == "until"
        assert "tijdzone" in body["errors"][0]["message"]
