#!/usr/bin/env python3
"""Independent road travel times on the Saint-Barthélemy OSM extract (pyosmium + networkx + pyproj).

Same rules as maillage's defaults: car `highway` classes and speeds, oneway
tags, roundabouts and motorways one-way, edges timed at the class speed over
their length in EPSG:5490; destinations (the three 2016 La Poste points of
Saint-Barthélemy) and origins snapped to the nearest road node at 20 km/h.
Prints, for a few origins, the minutes to the nearest point de contact.

    pip install osmium networkx pyproj numpy
    python3 tools/crosscheck/saint_barthelemy_roads.py ../shared/data/osm/saint_barthelemy_2014.osm.pbf
"""
import sys

import networkx as nx
import numpy as np
import osmium
from pyproj import Transformer

SPEEDS = {
    "motorway": 110, "motorway_link": 60, "trunk": 90, "trunk_link": 50, "primary": 70, "primary_link": 40,
    "secondary": 60, "secondary_link": 40, "tertiary": 50, "tertiary_link": 30, "unclassified": 40,
    "residential": 30, "road": 30, "service": 15, "living_street": 10,
}
POINTS = [(-62.82431805, 17.905919232), (-62.84890586, 17.894576493), (-62.84049714, 17.901896778)]
ORIGINS = {
    "Colombier": (-62.8650, 17.9220),
    "Grand Cul-de-Sac": (-62.8045, 17.9090),
    "Toiny": (-62.7960, 17.8960),
    "Gustavia": (-62.8490, 17.8960),
    "Flamands": (-62.8600, 17.9180),
}


def main(path: str) -> None:
    ways, nodes = [], {}

    class H(osmium.SimpleHandler):
        def way(self, w):
            hw = w.tags.get("highway")
            if hw not in SPEEDS or len(w.nodes) < 2:
                return
            ow = w.tags.get("oneway")
            implied = w.tags.get("junction") in ("roundabout", "circular") or hw == "motorway"
            if ow in ("yes", "true", "1"):
                fwd, bwd = True, False
            elif ow in ("-1", "reverse"):
                fwd, bwd = False, True
            elif ow in ("no", "false", "0"):
                fwd, bwd = True, True
            else:
                fwd, bwd = True, not implied
            ways.append(([n.ref for n in w.nodes], SPEEDS[hw], fwd, bwd))

    H().apply_file(path)

    class N(osmium.SimpleHandler):
        def node(self, n):
            nodes[n.id] = (n.location.lon, n.location.lat)

    N().apply_file(path)
    to_utm = Transformer.from_crs(4326, 5490, always_xy=True)
    xy = {i: to_utm.transform(*ll) for i, ll in nodes.items()}
    g = nx.DiGraph()
    for refs, kmh, fwd, bwd in ways:
        for a, b in zip(refs, refs[1:]):
            if a not in xy or b not in xy:
                continue
            (xa, ya), (xb, yb) = xy[a], xy[b]
            minutes = np.hypot(xa - xb, ya - yb) / 1000 / kmh * 60
            # Reversed graph: an edge a→b is stored b→a, so Dijkstra from the destinations gives times to them.
            for u, v in ([(a, b)] if fwd else []) + ([(b, a)] if bwd else []):
                if not g.has_edge(v, u) or g[v][u]["w"] > minutes:
                    g.add_edge(v, u, w=minutes)
    ids = np.array(list(g.nodes))
    coords = np.array([xy[i] for i in ids])

    def snap(lon, lat):
        x, y = to_utm.transform(lon, lat)
        d = np.hypot(coords[:, 0] - x, coords[:, 1] - y)
        k = int(np.argmin(d))
        return ids[k], float(d[k])

    g.add_node("SRC")
    for lon, lat in POINTS:
        node, d = snap(lon, lat)
        g.add_edge("SRC", node, w=d / 1000 / 20 * 60)
    dist = nx.single_source_dijkstra_path_length(g, "SRC", weight="w")
    print(f"graph: {g.number_of_nodes() - 1} nodes, {g.number_of_edges() - len(POINTS)} directed edges")
    for name, (lon, lat) in ORIGINS.items():
        node, d = snap(lon, lat)
        minutes = dist.get(node, float("inf")) + d / 1000 / 20 * 60
        print(f"{name}: snap {d:.1f} m to node {node}, {minutes:.4f} min")


if __name__ == "__main__":
    main(sys.argv[1])
