"""The needs at intake through the API: written by POST, left be by PATCH, in the inzage
export, and nowhere the needs are not."""

import api_world
from sqlalchemy import select

from models.people import Inburgeraar, IntakeNeed

world = api_world.world


def test_an_intake_through_the_api_keeps_its_needs_after_they_change(client, session, world):
    created = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                          json={"needs": {"taal": 3, "werk": 1}, "postcode": "3531"})
    assert created.status_code == 201, created.get_json()
    person_id = created.get_json()["id"]
    assert session.get(Inburgeraar, person_id).intake_needs_by_domain == {"taal": 3, "werk": 1}

    changed = client.patch(f"/api/v1/inburgeraars/{person_id}",
                           headers=world["auth"]["km_utrecht"],
                           json={"needs": {"werk": 2, "rondkomen": 1}})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["needs"] == {"werk": 2, "rondkomen": 1}
    session.expire_all()
    person = session.get(Inburgeraar, person_id)
    assert person.needs_by_domain == {"werk": 2, "rondkomen": 1}
    assert person.intake_needs_by_domain == {"taal": 3, "werk": 1}
    # A change of other fields leaves them be too.
    client.patch(f"/api/v1/inburgeraars/{person_id}", headers=world["auth"]["km_utrecht"],
                 json={"level": "A2"})
    session.expire_all()
    assert session.scalars(
        select(IntakeNeed.domain).where(IntakeNeed.inburgeraar_id == person_id)
        .order_by(IntakeNeed.domain)
    ).all() == ["taal", "werk"]


def test_the_needs_at_intake_are_in_the_export_only(client, session, world):
    person = world["person_utrecht"]
    client.patch(f"/api/v1/inburgeraars/{person.id}", headers=world["auth"]["km_utrecht"],
                 json={"needs": {"werk": 1}})
    export = client.get(f"/api/v1/inburgeraars/{person.id}/export",
                        headers=world["auth"]["coordinator"])
    assert export.status_code == 200
    assert (export.get_json()["needs"], export.get_json()["intake_needs"]) == (
        {"werk": 1}, {"taal": 2}
    )
    # The person as the API shows them carries today's needs, not the snapshot.
    for name in ("km_utrecht", "coordinator"):
        shown = client.get(f"/api/v1/inburgeraars/{person.id}", headers=world["auth"][name])
        assert shown.status_code == 200 and "intake_needs" not in shown.get_json()
    listed = client.get("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"])
    assert "intake_needs" not in listed.get_data(as_text=True)


def test_the_export_leaves_out_nothing_the_model_holds(client, session, world):
    """duaal, and the reason code of a declined referral and of its event, reach the inzage."""
    from models.subject import export_subject

    person = world["person_utrecht"]
    client.patch(f"/api/v1/inburgeraars/{person.id}", headers=world["auth"]["km_utrecht"],
                 json={"duaal": True})
    sent = client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                       json={"inburgeraar_id": person.id, "offer_id": world["course"].id})
    assert sent.status_code == 201, sent.get_json()
    declined = client.patch(f"/api/v1/referrals/{sent.get_json()['id']}",
                            headers=world["auth"]["school"],
                            json={"status": "declined", "reason_code": "niveau"})
    assert declined.status_code == 200, declined.get_json()
    export = client.get(f"/api/v1/inburgeraars/{person.id}/export",
                        headers=world["auth"]["coordinator"])
    assert export.status_code == 200, export.get_json()
    body = export.get_json()
    assert body["inburgeraar"]["duaal"] is True
    [referral] = body["referrals"]
    assert referral["reason_code"] == "niveau"
    assert referral["events"][-1]["reason_code"] == "niveau"
    session.expire_all()
    held = export_subject(session, person.id)
    assert set(body["inburgeraar"]) == set(held["inburgeraar"])
    assert set(referral) == set(held["referrals"][0])
    assert set(referral["events"][0]) == set(held["referrals"][0]["events"][0])
