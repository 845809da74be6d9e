"""An offer in /api/v1 names its HSDS service and its partner's HSDS organization."""

import api_world

import factories

world = api_world.world


def test_an_offers_hsds_ids_find_its_service_and_organization(client, world):
    offer = client.get(f"/api/v1/offers/{world['course'].id}",
                       headers=world["auth"]["km_utrecht"]).get_json()
    service = client.get(f"/hsds/services/{offer['hsds_service_id']}")
    assert service.status_code == 200
    assert service.get_json()["name"] == offer["title"]
    organization = client.get(f"/hsds/organizations/{offer['hsds_organization_id']}")
    assert organization.status_code == 200
    assert organization.get_json()["name"] == world["school"].name
    assert service.get_json()["organization"]["id"] == offer["hsds_organization_id"]


def test_every_listed_offer_carries_its_hsds_ids(client, world):
    offers = client.get("/api/v1/offers", headers=world["auth"]["coordinator"]).get_json()["offers"]
    assert {o["hsds_service_id"] for o in offers} == {
        str(world["course"].uuid), str(world["job"].uuid)
    }
    assert all(o["hsds_organization_id"] for o in offers)


def test_a_peer_mentor_has_no_hsds_organization_of_its_own(client, session, world):
    mentor = factories.partner(session, name="Maatje Test (fictief)", kind="mentor")
    offer = factories.offer(session, partner=mentor, domain="sociaal_netwerk", kind="maatje")
    body = client.get(f"/api/v1/offers/{offer.id}", headers=world["auth"]["coordinator"]).get_json()
    assert body["hsds_service_id"] == str(offer.uuid)
    assert body["hsds_organization_id"] is None
