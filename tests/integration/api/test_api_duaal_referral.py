"""``POST /referrals``: a duaal person's werk place must not collide with their taal place."""

import api_world

import factories


def test_a_colliding_duaal_place_is_refused_with_a_422_naming_the_rule(client, session):
    school, employer = factories.partner(session), factories.partner(session, kind="werkgever")
    taal = factories.offer(session, partner=school, schedule=["middag"])
    werk = factories.offer(session, partner=employer, domain="werk", kind="baan",
                           schedule=["middag", "avond"], sectors=["zorg"], hours_per_week=16)
    km = api_world.make_user(session, "klantmanager", gemeente_id=factories.gemeente(session).id)
    auth = api_world.token_for(session, km)
    duaal = factories.inburgeraar(session, duaal=True, needs={"taal": 2, "werk": 2}).id
    for offer, status in ((taal, 201), (werk, 422)):
        response = client.post("/api/v1/referrals", headers=auth,
                               json={"inburgeraar_id": duaal, "offer_id": offer.id})
        assert response.status_code == status, response.get_data(as_text=True)
    assert [e["rule"] for e in response.get_json()["errors"]] == ["duaal"]
