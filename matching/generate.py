"""Synthetic scenarios over the real U16 geography, for tests and benchmarks.

Places are real PC4 centroids of the 16 municipalities of the regio Utrecht;
partners are fictional ("(fictief)"), people pseudonymous. The mix of domains,
levels, leerroutes, day parts and languages follows what is plausible for
statushouders in the region; outcomes in the history depend mildly on
distance and language support, so the learned component has a signal.
Everything follows from the seed.
"""

import datetime as dt

import numpy as np

from matching import vocab
from matching.geo import haversine_km, pc4_table, u16_municipalities

__all__ = ["generate_scenario"]

_PARTNER_KINDS = {  # kind: share of partners
    "taalschool": 0.14, "werkgever": 0.34, "maatjesproject": 0.08, "mentor": 0.14,
    "onderwijsinstelling": 0.08, "welzijn": 0.16, "overig": 0.06,
}
_DOMAIN_SHARE = {
    "taal": 0.32, "werk": 0.24, "opleiding": 0.08, "sociaal_netwerk": 0.14,
    "gezondheid": 0.07, "opvoeding": 0.07, "rondkomen": 0.08,
}
_DOMAIN_PARTNERS = {
    "taal": ("taalschool", "onderwijsinstelling"),
    "werk": ("werkgever",),
    "opleiding": ("onderwijsinstelling",),
    "sociaal_netwerk": ("maatjesproject", "mentor", "welzijn"),
    "gezondheid": ("welzijn", "overig"),
    "opvoeding": ("welzijn", "overig"),
    "rondkomen": ("welzijn", "overig"),
}
_OFFER_KINDS = {
    "taal": ("taalcursus",), "werk": ("baan", "stage", "werkervaringsplek", "vrijwilligerswerk"),
    "opleiding": ("opleiding",), "sociaal_netwerk": ("maatje", "mentoraat", "activiteit"),
    "gezondheid": ("activiteit",), "opvoeding": ("activiteit",), "rondkomen": ("activiteit",),
}
_NEED_RATE = {
    "taal": 0.85, "werk": 0.5, "opleiding": 0.15, "sociaal_netwerk": 0.4, "gezondheid": 0.15,
    "opvoeding": 0.15, "rondkomen": 0.25,
}
_LANGUAGES = {"ar": 0.30, "ti": 0.20, "fa": 0.07, "prs": 0.05, "so": 0.05, "tr": 0.08,
              "kmr": 0.05, "uk": 0.10, "ru": 0.04, "am": 0.03, "en": 0.03}
_SECTORS = ("zorg", "techniek", "logistiek", "horeca", "schoonmaak", "detailhandel", "bouw",
            "onderwijs", "ict")
_LEVEL_SHARE = (0.18, 0.30, 0.25, 0.16, 0.08, 0.03)


def _pick(rng, shares):
    keys = list(shares)
    p = np.array([shares[k] for k in keys])
    return keys[rng.choice(len(keys), p=p / p.sum())]


def _some(rng, items, low, high):
    k = int(rng.integers(low, high + 1))
    return sorted(rng.choice(items, size=min(k, len(items)), replace=False).tolist(),
                  key=list(items).index)


def _places():
    u16 = set(u16_municipalities())
    return [pc for pc, row in pc4_table().items() if row.municipality in u16]


def _partners(rng, n, places):
    kinds = list(_PARTNER_KINDS)
    partners = []
    for k in range(n):
        kind = kinds[k] if k < len(kinds) else _pick(rng, _PARTNER_KINDS)
        pc = places[rng.integers(len(places))]
        partner = {"id": f"p{k + 1}", "name": f"{kind.capitalize()} {k + 1} (fictief)",
                   "kind": kind, "gemeente": pc4_table()[pc].municipality, "postcode": pc,
                   "ties": []}
        if kind == "mentor" or rng.random() < 0.3:
            partner["languages"] = _some(rng, list(_LANGUAGES), 1, 2) + ["nl"]
        partners.append(partner)
    for k in range(n):
        for other in rng.choice(n, size=min(n - 1, int(rng.integers(1, 4))), replace=False):
            if other != k and partners[other]["id"] not in partners[k]["ties"]:
                partners[k]["ties"].append(partners[other]["id"])
                partners[other]["ties"].append(partners[k]["id"])
    return partners


def _offer(rng, k, domain, partner):
    kind = _OFFER_KINDS[domain][rng.integers(len(_OFFER_KINDS[domain]))]
    offer = {"id": f"o{k + 1}", "partner_id": partner["id"], "title": f"{kind} {k + 1}",
             "domain": domain, "kind": kind, "postcode": partner["postcode"],
             "capacity": int(rng.integers(4, 13) if domain == "taal" else rng.integers(1, 4)),
             "schedule": _some(rng, vocab.DAYPARTS, 1, 3)}
    if rng.random() < 0.05:
        offer["capacity"] = 0
    if domain == "taal":
        low = int(rng.integers(0, 4))
        offer["min_level"], offer["max_level"] = vocab.LEVELS[low], vocab.LEVELS[low + 1]
        offer["leerroutes"] = _some(rng, vocab.LEERROUTES, 1, 2)
        offer["alfa"] = bool(low == 0 and rng.random() < 0.4)
        offer["childcare"] = bool(rng.random() < 0.25)
        offer["hours_per_week"] = int(rng.choice([6, 9, 12, 16]))
    elif domain in ("werk", "opleiding"):
        offer["min_level"] = vocab.LEVELS[int(rng.integers(1, 4))]
        offer["min_age"] = 18
        offer["hours_per_week"] = int(rng.choice([8, 16, 24, 32]))
        offer["sectors"] = _some(rng, _SECTORS, 1, 2)
        if domain == "opleiding" and rng.random() < 0.3:
            offer["max_age"] = 30
    if domain in ("taal", "sociaal_netwerk") and rng.random() < 0.06:
        offer["women_only"] = True
    if "languages" in partner and rng.random() < 0.7:
        offer["languages"] = partner["languages"]
    elif rng.random() < 0.3:
        offer["languages"] = _some(rng, list(_LANGUAGES), 1, 2)
    return offer


def _person(rng, k, places, mentors, year):
    pc = places[rng.integers(len(places))]
    needs = {d: int(rng.integers(1, 4)) for d in vocab.DOMAINS if rng.random() < _NEED_RATE[d]}
    person = {"id": f"i{k + 1}", "gemeente": pc4_table()[pc].municipality, "postcode": pc,
              "gender": str(rng.choice(["v", "m", "x"], p=[0.49, 0.5, 0.01])),
              "birth_year": int(year - rng.integers(18, 66)),
              "languages": [_pick(rng, _LANGUAGES)],
              "level": vocab.LEVELS[rng.choice(6, p=_LEVEL_SHARE)],
              "leerroute": str(rng.choice(vocab.LEERROUTES, p=[0.65, 0.15, 0.2])),
              "needs": needs, "availability": _some(rng, vocab.DAYPARTS, 1, 4),
              "childcare_needed": bool(rng.random() < 0.2)}
    if rng.random() < 0.3:
        person["max_travel_km"] = int(rng.choice([5, 8, 10, 20, 25]))
    if rng.random() < 0.1:
        person["latin_literate"] = False
    if mentors and rng.random() < 0.1:
        person["mentor_id"] = mentors[rng.integers(len(mentors))]
    if "werk" in needs:
        person["sectors"] = _some(rng, _SECTORS, 1, 2)
    return person


def _history(rng, people, offers, n):
    pc4 = pc4_table()
    seen, history = set(), []
    for _ in range(n):
        i, o = people[rng.integers(len(people))], offers[rng.integers(len(offers))]
        if (i["id"], o["id"]) in seen:
            continue
        seen.add((i["id"], o["id"]))
        a, b = pc4[i["postcode"]], pc4[o["postcode"]]
        km = float(haversine_km(a.lat, a.lon, b.lat, b.lon))
        speaks = bool(set(i["languages"]) & set(o.get("languages", ())))
        success = 1 / (1 + np.exp(-(1.0 - 0.12 * km + 0.8 * speaks)))
        outcome = ("ongoing" if rng.random() < 0.15 else "completed" if rng.random() < success
                   else str(rng.choice(["dropped", "declined"])))
        entry = {"inburgeraar_id": i["id"], "offer_id": o["id"], "outcome": outcome}
        if outcome in ("declined", "dropped"):
            entry["reason_code"] = str(rng.choice(vocab.REASON_CODES))
        history.append(entry)
    return history


def generate_scenario(people, offers, seed=0, reference_date=dt.date(2026, 11, 24)):
    """A realistic, valid scenario document (a dict ready for JSON).

    Parameters
    ----------
    people, offers : int
        Number of inburgeraars and offers.
    seed : int
        The same seed gives the same document.
    reference_date : datetime.date

    Returns
    -------
    dict

    Examples
    --------
    >>> doc = generate_scenario(20, 30, seed=1)
    >>> len(doc["inburgeraars"]), len(doc["offers"]), doc == generate_scenario(20, 30, seed=1)
    (20, 30, True)
    """
    rng = np.random.default_rng(seed)
    places = _places()
    partners = _partners(rng, max(len(_PARTNER_KINDS), offers // 8), places)
    by_kind = {}
    for p in partners:
        by_kind.setdefault(p["kind"], []).append(p)
    domains = list(vocab.DOMAINS)
    offer_docs = []
    for k in range(offers):
        domain = domains[k] if k < len(domains) else _pick(rng, _DOMAIN_SHARE)
        pool = [p for kind in _DOMAIN_PARTNERS[domain] for p in by_kind.get(kind, [])]
        offer_docs.append(_offer(rng, k, domain, pool[rng.integers(len(pool))]))
    mentors = [p["id"] for p in by_kind.get("mentor", [])]
    people_docs = [_person(rng, k, places, mentors, reference_date.year) for k in range(people)]
    history = _history(rng, people_docs, offer_docs, people // 3) if people and offers else []
    return {"version": 1, "reference_date": reference_date.isoformat(), "partners": partners,
            "offers": offer_docs, "inburgeraars": people_docs, "history": history}
