"""A plain numpy baseline for ``python -m matching rank``: the nine rules, a score, top-k.

What an engineer would write in an afternoon without the engine: read the
scenario, turn the fields into arrays, and per block of people evaluate every
rule against every offer, score eligible pairs by closeness
(``1 - km / 15``), and keep the ten best. It writes the same JSON as the
engine (``offer_id``, ``partner_id``, ``domain``, ``score``, ``components``,
``reasons``): its one component is the distance, its one reason the
kilometres in Dutch. No learning. The rank benchmark times it beside the
engine's command line on the same file.

Run: ``.venv/bin/python bench/numpy_baseline_rank.py SCENARIO.json > out.json``.
"""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.geo import haversine_km, pc4_table  # noqa: E402

LEVELS = ["A0", "A1", "A2", "B1", "B2", "C1"]
DOMAINS = ["taal", "werk", "opleiding", "sociaal_netwerk", "gezondheid", "opvoeding", "rondkomen"]
PARTS = ["ochtend", "middag", "avond", "weekend"]
ROUTES = ["b1", "onderwijs", "z"]


def _place(obj, fallback=None):
    if obj.get("lat") is not None:
        return obj["lat"], obj["lon"]
    if obj.get("postcode") in pc4_table():
        pc4 = pc4_table()[obj["postcode"]]
        return pc4.lat, pc4.lon
    return fallback if fallback is not None else (np.nan, np.nan)


def _mask(items, vocabulary):
    return sum(1 << vocabulary.index(i) for i in items or ())


def _match(offer, score, km):
    """One match in the contract's shape: the distance its only component and reason."""
    reasons = [] if km != km else [f"op {km:.1f} km van huis".replace(".", ",")]
    return {"offer_id": offer["id"], "partner_id": offer["partner_id"],
            "domain": offer["domain"], "score": round(score, 4),
            "components": {"distance": round(score, 4)}, "reasons": reasons}


def main(path, top=10):
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    year = int(doc["reference_date"][:4])
    partners = {p["id"]: p for p in doc["partners"]}
    offers, people = doc["offers"], doc["inburgeraars"]
    o_loc = np.array([_place(o, _place(partners[o["partner_id"]])) for o in offers])
    o_dom = np.array([DOMAINS.index(o["domain"]) for o in offers])
    o_cap = np.array([o["capacity"] for o in offers])
    o_min = np.array([LEVELS.index(o["min_level"]) if o.get("min_level") else -1 for o in offers])
    o_max = np.array([LEVELS.index(o["max_level"]) if o.get("max_level") else 9 for o in offers])
    o_routes = np.array([_mask(o.get("leerroutes"), ROUTES) for o in offers])
    o_women = np.array([bool(o.get("women_only")) for o in offers])
    o_sched = np.array([_mask(o.get("schedule"), PARTS) for o in offers])
    o_amin = np.array([o.get("min_age", -1) for o in offers])
    o_amax = np.array([o.get("max_age", 999) for o in offers])
    p_loc = np.array([_place(i) for i in people])
    needs = np.array([[i["needs"].get(d, 0) for d in DOMAINS] for i in people])
    level = np.array([LEVELS.index(i["level"]) if i.get("level") else -1 for i in people])
    route = np.array([1 << ROUTES.index(i["leerroute"]) if i.get("leerroute") else 0
                      for i in people])
    woman = np.array([i.get("gender") == "v" for i in people])
    avail = np.array([_mask(i.get("availability"), PARTS) for i in people])
    age = np.array([year - i["birth_year"] if i.get("birth_year") else -1 for i in people])
    limit = np.array([i.get("max_travel_km") or 15.0 for i in people])
    index = {i["id"]: k for k, i in enumerate(people)}
    offer_index = {o["id"]: k for k, o in enumerate(offers)}
    blocked = {(index[h["inburgeraar_id"]], offer_index[h["offer_id"]])
               for h in doc.get("history", ())
               if h["outcome"] in ("dropped", "ongoing")
               or (h["outcome"] == "declined" and h.get("reason_code") != "vol")}
    rankings = []
    step = 500
    for start in range(0, len(people), step):
        rows = np.arange(start, min(start + step, len(people)))[:, None]
        km = haversine_km(p_loc[rows, 0], p_loc[rows, 1], o_loc[None, :, 0], o_loc[None, :, 1])
        ok = (o_cap >= 1) & (needs[rows, o_dom] > 0)
        ok &= (o_min < 0) | ((level[rows] >= o_min) & (level[rows] >= 0))
        ok &= (o_max > 5) | ((level[rows] <= o_max) & (level[rows] >= 0))
        ok &= (o_routes == 0) | ((o_routes & route[rows]) != 0)
        ok &= ~o_women | woman[rows]
        ok &= (o_sched == 0) | (avail[rows] == 0) | ((o_sched & avail[rows]) != 0)
        ok &= ~(km > limit[rows])
        ok &= ((o_amin < 0) & (o_amax > 200)) | ((age[rows] >= o_amin) & (age[rows] <= o_amax))
        for p, o in blocked:
            if start <= p < start + step:
                ok[p - start, o] = False
        score = np.where(ok, np.clip(1 - np.nan_to_num(km) / 15, 0, 1), -1.0)
        part = np.argpartition(-score, min(top, score.shape[1] - 1), axis=1)[:, :top]
        order = np.argsort(-np.take_along_axis(score, part, axis=1), axis=1, kind="stable")
        best = np.take_along_axis(part, order, axis=1)
        for r, row in enumerate(best.tolist()):
            rankings.append({"inburgeraar_id": people[start + r]["id"], "matches": [
                _match(offers[o], float(score[r, o]), float(km[r, o]))
                for o in row if score[r, o] >= 0]})
    sys.stdout.write(json.dumps({"rankings": rankings}, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
