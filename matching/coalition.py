"""The coalition as a graph, and its summary for the coordinator.

Partners are nodes (with their kind), ties are undirected edges. The summary
counts nodes and edges by kind, ranks partners by centrality, lists the
connected components, and sets demand against free capacity per area: per
wijk in gemeente Utrecht (by PC4, approximate) and per gemeente elsewhere.
"""

from collections import Counter, defaultdict

import networkx as nx

from matching import vocab
from matching.geo import nearest_pc4, pc4_table, utrecht_wijk_of

__all__ = ["area_of", "coalition_graph", "graph_summary"]

# Exact betweenness is cubic-ish; beyond this many partners it is sampled.
_EXACT_BETWEENNESS = 500


def coalition_graph(scenario, with_offers=False):
    """The coalition graph: partners with ``kind``, ties as edges.

    Parameters
    ----------
    scenario : Scenario
    with_offers : bool, default False
        Also add each offer as a node (``kind="offer"``) tied to its partner.

    Returns
    -------
    networkx.Graph

    Examples
    --------
    >>> from matching.scenario import read_scenario
    >>> g = coalition_graph(read_scenario("matching/contract/example-scenario.json"))
    >>> g.number_of_nodes(), g.number_of_edges()
    (4, 3)
    """
    graph = nx.Graph()
    for p in scenario.partners:
        graph.add_node(p.id, kind=p.kind, name=p.name)
    for p in scenario.partners:
        graph.add_edges_from((p.id, tie) for tie in p.ties if tie != p.id)
    if with_offers:
        for o in scenario.offers:
            graph.add_node(("offer", o.id), kind="offer", domain=o.domain)
            graph.add_edge(("offer", o.id), o.partner_id)
    return graph


def area_of(postcode=None, lat=None, lon=None, gemeente=None):
    """The area a place belongs to: ``"Utrecht – <wijk>"`` or the gemeente.

    The given ``gemeente`` wins over the postcode's municipality; the wijk
    comes from the PC4 (or the nearest PC4 to lat/lon) and is approximate.

    Examples
    --------
    >>> area_of(postcode="3563"), area_of(postcode="3701")
    ('Utrecht – Overvecht', 'Zeist')
    """
    pc4 = postcode if postcode in pc4_table() else None
    if pc4 is None and lat is not None and lon is not None:
        pc4 = nearest_pc4(lat, lon)
    municipality = gemeente or (pc4_table()[pc4].municipality if pc4 else None)
    if municipality is None:
        return "onbekend"
    if municipality == "Utrecht" and pc4 is not None:
        return f"Utrecht – {utrecht_wijk_of(pc4)}"
    return municipality


def _offer_area(offer, partner):
    if offer.postcode is not None or offer.lat is not None:
        return area_of(offer.postcode, offer.lat, offer.lon)
    return area_of(partner.postcode, partner.lat, partner.lon, partner.gemeente)


def graph_summary(scenario):
    """The ``graph`` command's JSON document as a dict.

    Returns
    -------
    dict
        ``nodes`` and ``edges`` (total and by kind; an edge's kind is the pair
        of its partners' kinds, as ``"taalschool–werkgever"``), ``centrality``
        (partners by betweenness, then degree), ``components`` (count, sizes,
        isolated partners) and ``areas`` (per area and domain: ``demand``,
        the people with a need, and ``free_capacity``, the open places).

    Examples
    --------
    >>> from matching.scenario import read_scenario
    >>> s = graph_summary(read_scenario("matching/contract/example-scenario.json"))
    >>> s["edges"]["by_kinds"]["maatjesproject–mentor"], s["centrality"][0]["partner_id"]
    (1, 'p2')
    """
    graph = coalition_graph(scenario)
    kinds = nx.get_node_attributes(graph, "kind")
    edge_kinds = Counter("–".join(sorted((kinds[a], kinds[b]))) for a, b in graph.edges)
    n = graph.number_of_nodes()
    sample = None if n <= _EXACT_BETWEENNESS else _EXACT_BETWEENNESS
    betweenness = nx.betweenness_centrality(graph, k=sample, seed=0) if n else {}
    degree = dict(graph.degree)
    names = nx.get_node_attributes(graph, "name")
    central = sorted(graph.nodes, key=lambda p: (-betweenness[p], -degree[p], p))
    components = sorted((len(c) for c in nx.connected_components(graph)), reverse=True)
    return {
        "nodes": {"total": n, "by_kind": dict(sorted(Counter(kinds.values()).items()))},
        "edges": {"total": graph.number_of_edges(), "by_kinds": dict(sorted(edge_kinds.items()))},
        "centrality": [{"partner_id": p, "name": names.get(p), "kind": kinds[p],
                        "degree": degree[p], "betweenness": round(betweenness[p], 4)}
                       for p in central],
        "components": {"count": len(components), "sizes": components,
                       "isolated": sorted(p for p in graph.nodes if degree[p] == 0)},
        "areas": _areas(scenario),
    }


def _areas(scenario):
    table = defaultdict(lambda: {d: {"demand": 0, "free_capacity": 0} for d in vocab.DOMAINS})
    for person in scenario.inburgeraars:
        area = area_of(person.postcode, person.lat, person.lon, person.gemeente)
        for domain, weight in person.needs.items():
            if weight > 0:
                table[area][domain]["demand"] += 1
    partners = {p.id: p for p in scenario.partners}
    for offer in scenario.offers:
        area = _offer_area(offer, partners[offer.partner_id])
        table[area][offer.domain]["free_capacity"] += offer.capacity
    return [{"area": area, "gemeente": area.split(" – ")[0],
             "wijk": area.split(" – ")[1] if " – " in area else None, "domains": table[area]}
            for area in sorted(table)]
