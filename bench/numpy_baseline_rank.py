"""A plain numpy baseline for ``python -m matching rank``: the nine rules, a score
with its parts, top-k, and the same JSON as the engine.

What an engineer would write without the engine: read the scenario, turn the
fields into arrays, and per block of people evaluate every rule against every
offer. The eligible pairs are scored with the documented prior of
``matching/scoring.py`` (distance, schedule, language, childcare, sector, level,
alfa, closeness in the coalition graph) plus two parts counted from the history
(the partner's completion rate for people like this one, and the kind of
offer's): no fitted model, only counts. Each person keeps the ten best; for
those, each part's contribution to the chance and its Dutch reason, largest
first, as the engine writes them (``offer_id``, ``partner_id``, ``domain``,
``score``, ``components``, ``reasons``). The rank benchmark times it beside the
engine's command line on the same file.

Run: ``.venv/bin/python bench/numpy_baseline_rank.py SCENARIO.json > out.json``.
"""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.dutch import format_km, language_name  # noqa: E402
from matching.geo import haversine_km, pc4_table  # noqa: E402

LEVELS = ["A0", "A1", "A2", "B1", "B2", "C1"]
DOMAINS = ["taal", "werk", "opleiding", "sociaal_netwerk", "gezondheid", "opvoeding", "rondkomen"]
PARTS = ["ochtend", "middag", "avond", "weekend"]
ROUTES = ["b1", "onderwijs", "z"]
COURSE_DOMAINS = [DOMAINS.index("taal"), DOMAINS.index("opleiding")]
NAMES = ["distance", "schedule", "language", "childcare", "sector", "level", "alfa", "graph",
         "offer", "track"]
INTERCEPT = -0.2
MAX_HOPS = 4
LITTLE_DATA = 5
# Pseudo-referrals pulling a counted rate to the overall one.
SHRINK = 10
POPCOUNT = np.array([bin(k).count("1") for k in range(16)])
SPEAKER = {"taalcursus": "docent", "opleiding": "docent", "mentoraat": "mentor",
           "maatje": "maatje"}


def _place(obj, fallback=None):
    if obj.get("lat") is not None:
        return obj["lat"], obj["lon"]
    if obj.get("postcode") in pc4_table():
        pc4 = pc4_table()[obj["postcode"]]
        return pc4.lat, pc4.lon
    return fallback if fallback is not None else (np.nan, np.nan)


def _mask(items, vocabulary):
    return sum(1 << vocabulary.index(i) for i in set(items or ()))


def _bits(items, vocabulary):
    """A set of strings as an integer bit mask over a growing vocabulary (dict)."""
    return sum(1 << vocabulary.setdefault(i, len(vocabulary)) for i in set(items or ()))


def _logit(rate):
    return np.log(rate / (1 - rate))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _hops(partners):
    """Hops between partners over their ties (MAX_HOPS + 1 beyond), by breadth-first steps."""
    index = {p["id"]: k for k, p in enumerate(partners)}
    n = len(partners)
    ties = np.zeros((n, n), dtype=np.float32)
    for k, p in enumerate(partners):
        for other in p.get("ties", ()):
            if other in index:
                ties[k, index[other]] = ties[index[other], k] = 1
    hops = np.full((n, n), MAX_HOPS + 1, dtype=np.int8)
    reached = np.eye(n, dtype=bool)
    hops[reached] = 0
    for step in range(1, MAX_HOPS + 1):
        reached = reached | ((reached.astype(np.float32) @ ties) > 0)
        hops[reached & (hops > step)] = step
    return hops


def _points(value):
    points = round(100 * value)
    return "0 %-punt" if points == 0 else f"{'+' if points > 0 else '−'}{abs(points)} %-punt"


class Baseline:
    """The scenario as arrays, and the rules and parts over blocks of pairs."""

    def __init__(self, doc):
        self.year = int(doc["reference_date"][:4])
        self.partners = doc["partners"]
        partner_index = {p["id"]: k for k, p in enumerate(self.partners)}
        self.offers, self.people = offers, people = doc["offers"], doc["inburgeraars"]
        by_id = {p["id"]: p for p in self.partners}
        self.o_loc = np.array([_place(o, _place(by_id[o["partner_id"]])) for o in offers])
        self.o_partner = np.array([partner_index[o["partner_id"]] for o in offers])
        self.o_dom = np.array([DOMAINS.index(o["domain"]) for o in offers])
        self.o_cap = np.array([o["capacity"] for o in offers])
        self.o_min = np.array([LEVELS.index(o["min_level"]) if o.get("min_level") else -1
                               for o in offers])
        self.o_max = np.array([LEVELS.index(o["max_level"]) if o.get("max_level") else 9
                               for o in offers])
        self.o_routes = np.array([_mask(o.get("leerroutes"), ROUTES) for o in offers])
        self.o_women = np.array([bool(o.get("women_only")) for o in offers])
        self.o_sched = np.array([_mask(o.get("schedule"), PARTS) for o in offers])
        self.o_amin = np.array([o.get("min_age", -1) for o in offers])
        self.o_amax = np.array([o.get("max_age", 999) for o in offers])
        self.o_alfa = np.array([bool(o.get("alfa")) for o in offers])
        self.o_childcare = np.array([bool(o.get("childcare")) for o in offers])
        languages, sectors = {}, {}
        # Python ints: there may be more than 64 languages or sectors.
        self.o_lang = [_bits(o.get("languages") or by_id[o["partner_id"]].get("languages"),
                             languages) for o in offers]
        self.o_sect = [_bits(o.get("sectors"), sectors) for o in offers]
        self.p_loc = np.array([_place(i) for i in people])
        self.needs = np.array([[i["needs"].get(d, 0) for d in DOMAINS] for i in people])
        self.level = np.array([LEVELS.index(i["level"]) if i.get("level") else -1
                               for i in people])
        self.route = np.array([1 << ROUTES.index(i["leerroute"]) if i.get("leerroute") else 0
                               for i in people])
        self.woman = np.array([i.get("gender") == "v" for i in people])
        self.avail = np.array([_mask(i.get("availability"), PARTS) for i in people])
        self.age = np.array([self.year - i["birth_year"] if i.get("birth_year") else -1
                             for i in people])
        self.limit = np.array([i.get("max_travel_km") or 15.0 for i in people])
        self.children = np.array([bool(i.get("childcare_needed")) for i in people])
        self.latin = np.array([{None: -1, False: 0, True: 1}[i.get("latin_literate")]
                               for i in people])
        self.p_lang = [_bits(i.get("languages"), languages) for i in people]
        self.p_sect = [_bits(i.get("sectors"), sectors) for i in people]
        self.language_codes = sorted(languages, key=languages.get)
        # Bit masks in numpy words where the vocabulary fits in 64, else Python ints.
        self.lang_words = [np.array(b, dtype=np.uint64 if len(languages) <= 64 else object)
                           for b in (self.o_lang, self.p_lang)]
        self.sect_words = [np.array(b, dtype=np.uint64 if len(sectors) <= 64 else object)
                           for b in (self.o_sect, self.p_sect)]
        self.beginner = (self.level == 0) | (self.level == 1) | (self.latin == 0)
        self.id_rank = np.argsort(np.argsort(np.array([o["id"] for o in offers])))
        self._history(doc.get("history", ()), partner_index)

    def _history(self, history, partner_index):
        index = {i["id"]: k for k, i in enumerate(self.people)}
        offer_index = {o["id"]: k for k, o in enumerate(self.offers)}
        self.blocked = {(index[h["inburgeraar_id"]], offer_index[h["offer_id"]])
                        for h in history
                        if h["outcome"] in ("dropped", "ongoing")
                        or (h["outcome"] == "declined" and h.get("reason_code") != "vol")}
        # Anchors in the coalition graph: the mentor, and partners of completed referrals.
        anchors = {}
        for k, i in enumerate(self.people):
            if i.get("mentor_id") in partner_index:
                anchors.setdefault(k, []).append((partner_index[i["mentor_id"]], True))
        labelled = [(index[h["inburgeraar_id"]], offer_index[h["offer_id"]],
                     h["outcome"] == "completed") for h in history
                    if h["outcome"] in ("completed", "dropped")
                    or (h["outcome"] == "declined" and h.get("reason_code") != "vol")]
        for p, o, success in labelled:
            if success:
                anchors.setdefault(p, []).append((self.o_partner[o], False))
        hops = _hops(self.partners)
        self.anchored = np.zeros(len(self.people), dtype=bool)
        self.p_hops = np.full((len(self.people), len(self.partners)), MAX_HOPS + 1, np.int8)
        self.p_mentor = np.zeros((len(self.people), len(self.partners)), dtype=bool)
        for p, mine in anchors.items():
            rows = hops[[a for a, _ in mine]]
            nearest = rows.argmin(axis=0)
            self.anchored[p] = True
            self.p_hops[p] = rows[nearest, np.arange(rows.shape[1])]
            self.p_mentor[p] = np.array([m for _, m in mine])[nearest]
        # Counted parts: completion rates of the partner (per group) and of the offer's kind.
        kinds = sorted({o["kind"] for o in self.offers})
        self.o_kind = np.array([kinds.index(o["kind"]) for o in self.offers])
        p, o, y = np.array(labelled, dtype=np.int64).reshape(-1, 3).T
        self.learned = len(labelled) > 0
        overall = (y.sum() + 1) / (len(y) + 2)
        shape = (len(self.partners), 2)
        group = self.beginner[p].astype(np.int64)
        self.record_n = np.zeros(shape, np.int64)
        self.record_ok = np.zeros(shape, np.int64)
        np.add.at(self.record_n, (self.o_partner[o], group), 1)
        np.add.at(self.record_ok, (self.o_partner[o], group), y)
        self.track_term = (_logit((self.record_ok + SHRINK * overall) / (self.record_n + SHRINK))
                           - _logit(overall))
        kind_n = np.bincount(self.o_kind[o], minlength=len(kinds))
        kind_ok = np.bincount(self.o_kind[o], weights=y, minlength=len(kinds))
        self.kind_term = (_logit((kind_ok + SHRINK * overall) / (kind_n + SHRINK))
                          - _logit(overall))

    def eligible(self, rows):
        """The rule mask and the distances of people ``rows`` (a column) to every offer."""
        km = haversine_km(self.p_loc[rows, 0], self.p_loc[rows, 1],
                          self.o_loc[None, :, 0], self.o_loc[None, :, 1])
        level, avail, age = self.level[rows], self.avail[rows], self.age[rows]
        ok = (self.o_cap >= 1) & (self.needs[rows, self.o_dom] > 0)
        ok &= (self.o_min < 0) | ((level >= self.o_min) & (level >= 0))
        ok &= (self.o_max > 5) | ((level <= self.o_max) & (level >= 0))
        ok &= (self.o_routes == 0) | ((self.o_routes & self.route[rows]) != 0)
        ok &= ~self.o_women | self.woman[rows]
        ok &= (self.o_sched == 0) | (avail == 0) | ((self.o_sched & avail) != 0)
        ok &= ~(km > self.limit[rows])
        ok &= (((self.o_amin < 0) & (self.o_amax > 200))
               | ((age >= self.o_amin) & (age <= self.o_amax)))
        start = int(rows[0, 0])
        for p, o in self.blocked:
            if start <= p < start + len(rows):
                ok[p - start, o] = False
        return ok, km

    def parts(self, p, o, km):
        """Each part's (applies, log-odds term) over aligned pairs, and facts for reasons."""
        known = ~np.isnan(km)
        sched, avail = self.o_sched[o], self.avail[p]
        sched_known = (sched != 0) & (avail != 0)
        share = POPCOUNT[sched & avail] / np.maximum(POPCOUNT[sched], 1)
        o_lang, p_lang = self.lang_words[0][o], self.lang_words[1][p]
        lang_known = (o_lang != 0) & (p_lang != 0)
        lang_shared = (o_lang & p_lang) != 0
        o_sect, p_sect = self.sect_words[0][o], self.sect_words[1][p]
        sect_known = (o_sect != 0) & (p_sect != 0)
        sect_shared = (o_sect & p_sect) != 0
        level, low, high = self.level[p], self.o_min[o], self.o_max[o]
        course = np.isin(self.o_dom[o], COURSE_DOMAINS)
        level_known = (level >= 0) & ((low >= 0) | (high <= 5))
        centre = np.where((low >= 0) & (high <= 5), (low + high) / 2,
                          np.where(low >= 0, low, high))
        gap = np.where(level_known & course, np.abs(level - centre), 0.0)
        latin, alfa = self.latin[p], self.o_alfa[o]
        alfa_given = (latin == 0) & alfa
        alfa_missing = (latin == 0) & ~alfa & (self.o_dom[o] == 0)
        alfa_applies = alfa_given | alfa_missing | ((latin == 1) & alfa)
        children, childcare = self.children[p], self.o_childcare[o]
        hops = self.p_hops[p, self.o_partner[o]]
        closeness = np.where(hops <= MAX_HOPS, 1 - hops / (MAX_HOPS + 1), 0.0)
        group = self.beginner[p].astype(np.int64)
        learned = np.full(len(p), self.learned)
        parts = {  # in the order of NAMES
            "distance": (known, np.where(known, 0.4 - 0.3 * np.log1p(np.nan_to_num(km)), 0)),
            "schedule": (sched_known, np.where(sched_known, 0.6 * (share - 0.5), 0)),
            "language": (lang_known, np.where(lang_known, np.where(lang_shared, 0.4, -0.1), 0)),
            "childcare": (children, np.where(children, np.where(childcare, 0.3, -0.6), 0)),
            "sector": (sect_known, np.where(sect_known, np.where(sect_shared, 0.5, -0.2), 0)),
            "level": (level_known,
                      np.where(level_known, np.where(course, 0.4 - 0.4 * gap, 0.2), 0)),
            "alfa": (alfa_applies, np.where(alfa_given, 0.8, np.where(alfa_applies, -0.8, 0))),
            "graph": (self.anchored[p], np.where(self.anchored[p], 0.5 * closeness, 0)),
            "offer": (learned, self.kind_term[self.o_kind[o]]),
            "track": (learned, self.track_term[self.o_partner[o], group]),
        }
        facts = {"share": share, "course": course, "lang_shared": lang_shared,
                 "sect_shared": sect_shared, "gap": gap, "alfa_given": alfa_given,
                 "alfa_missing": alfa_missing, "childcare": childcare, "hops": hops,
                 "group": group}
        return parts, facts

    def reason(self, name, k, p, o, km, facts):
        """The Dutch reason of part ``name`` for pair ``k`` (person ``p``, offer ``o``)."""
        person, offer = self.people[p], self.offers[o]
        if name == "distance":
            return f"op {format_km(round(km, 1))} km van huis"
        if name == "schedule":
            fit = "passen bij" if facts["share"][k] == 1 else "passen deels bij"
            return f"{'lesdagdelen' if facts['course'][k] else 'dagdelen'} {fit} de beschikbaarheid"
        if name == "language":
            if not facts["lang_shared"][k]:
                return "geen begeleiding in een taal die de persoon spreekt"
            shared = self.o_lang[o] & self.p_lang[p]
            codes = [c for j, c in enumerate(self.language_codes) if shared >> j & 1]
            names = " en ".join(language_name(c) for c in ([c for c in codes if c != "nl"]
                                                            or codes))
            speaker = SPEAKER.get(offer["kind"])
            return f"{speaker} spreekt {names}" if speaker else f"begeleiding in het {names}"
        if name == "childcare":
            return "met kinderopvang" if facts["childcare"][k] else "geen kinderopvang"
        if name == "sector":
            if not facts["sect_shared"][k]:
                return "niet in een gewenste sector"
            wanted = [s for s in person["sectors"] if s in offer["sectors"]]
            return f"in de gewenste sector {', '.join(wanted)}"
        if name == "level":
            if not facts["course"][k]:
                return f"taalniveau {person['level']} voldoet aan de eis"
            gap = float(facts["gap"][k])
            if gap <= 0.5:
                return f"niveau van de cursus past bij taalniveau {person['level']}"
            return f"cursus ligt {format_km(gap)} niveau van taalniveau {person['level']} af"
        if name == "alfa":
            if facts["alfa_given"][k]:
                return "alfabetiseringscursus, voor wie nog leert lezen en schrijven"
            if facts["alfa_missing"][k]:
                return "geen alfabetiseringscursus, terwijl lezen en schrijven nog nodig is"
            return "alfabetiseringscursus, terwijl de persoon al Latijns schrift leest"
        if name == "graph":
            hops = int(facts["hops"][k])
            mentor = bool(self.p_mentor[p, self.o_partner[o]])
            whom = "de eigen mentor" if mentor else "een eerdere partner"
            if hops == 0:
                return ("aanbod van de eigen mentor" if mentor
                        else "partner heeft deze persoon eerder begeleid")
            if hops <= 2:
                return (f"partner werkt samen met {whom}" if hops == 1
                        else f"partner op 2 stappen van {whom} in de coalitie")
            return f"partner ver van {whom} in de coalitie"
        if name == "offer":
            return "soort aanbod en uren, volgens eerdere verwijzingen"
        n = int(self.record_n[self.o_partner[o], facts["group"][k]])
        if n == 0:
            return "geen eerdere verwijzingen naar deze aanbieder"
        rate = self.record_ok[self.o_partner[o], facts["group"][k]] / n
        return (f"bij deze aanbieder ronden vergelijkbare inburgeraars {round(100 * rate)} % af, "
                f"{n} verwijzing{'' if n == 1 else 'en'}")

    def matches(self, p, o, km, top):
        """The best ``top`` of eligible pairs per person, as the contract's matches."""
        parts, _ = self.parts(p, o, km)
        total = INTERCEPT + sum(term for _, term in parts.values())
        order = np.lexsort((self.id_rank[o], -total, p))
        starts = np.flatnonzero(np.r_[True, p[order][1:] != p[order][:-1]])
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        keep = order[rank < top]
        p, o, km, total = p[keep], o[keep], km[keep], total[keep]
        parts, facts = self.parts(p, o, km)
        chance = _sigmoid(total)
        # Contributions as arrays; then plain Python values for the loop over matches.
        contribution = np.round(chance[:, None] - _sigmoid(
            total[:, None] - np.column_stack([term for _, term in parts.values()])), 4).tolist()
        applies = np.column_stack([a for a, _ in parts.values()]).tolist()
        facts = {name: value.tolist() for name, value in facts.items()}
        record_n = self.record_n[self.o_partner[o], facts["group"]].tolist()
        out = {}
        for k, (person, offer, distance, score) in enumerate(zip(
                p.tolist(), o.tolist(), km.tolist(), chance.tolist(), strict=True)):
            shown = sorted(((value, name) for value, name, yes in zip(
                contribution[k], NAMES, applies[k], strict=True) if yes), key=lambda c: -abs(c[0]))
            reasons = [f"{_points(value)}: {self.reason(name, k, person, offer, distance, facts)}"
                       for value, name in shown]
            if not self.learned:
                reasons.append("schatting vooraf: nog geen afgeronde eerdere verwijzingen om "
                               "van te leren")
            elif record_n[k] < LITTLE_DATA:
                reasons.append("weinig gegevens over deze aanbieder")
            match = self.offers[offer]
            out.setdefault(person, []).append({
                "offer_id": match["id"], "partner_id": match["partner_id"],
                "domain": match["domain"], "score": round(score, 4),
                "components": {name: value for value, name in shown}, "reasons": reasons})
        return out


def main(path, top=10):
    base = Baseline(json.loads(Path(path).read_text(encoding="utf-8")))
    rankings = []
    step = 500
    for start in range(0, len(base.people), step):
        rows = np.arange(start, min(start + step, len(base.people)))[:, None]
        ok, km = base.eligible(rows)
        r, o = np.nonzero(ok)
        found = base.matches(start + r, o, km[r, o], top)
        rankings.extend({"inburgeraar_id": base.people[p]["id"], "matches": found.get(p, [])}
                        for p in rows[:, 0].tolist())
    sys.stdout.write(json.dumps({"rankings": rankings}, ensure_ascii=False,
                                separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
