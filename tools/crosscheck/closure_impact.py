#!/usr/bin/env python3
"""Independent cross-check of `maillage plan`'s closure impact (impact.csv):
for every point de contact of the 2016 network, the population that only it
reaches within 5 km — under the commune-centroid population model.

With GeoPandas/Shapely and pyproj: commune polygons dissolved to their
current code (`code_insee_2026`), population from the commune table placed at
the area-weighted centroid of each commune's polygon (as maillage's centroid
model), projected per zone (from the département code); for each commune,
the points de contact within 5 km are counted with an STRtree; a commune
with exactly one has its population charged to that site.

    D=../shared/data
    cargo run --release --features cli -- plan --points $D/laposte_points_contact_2016.csv \
        --communes $D/communes_2018_simplified.geojson --population $D/communes_france.csv \
        --model centroid --service postal --candidates communes --add 1 --out out/impact
    python3 tools/crosscheck/closure_impact.py $D out/impact/impact.csv

Exits non-zero if the 20 most critical sites or their populations differ.
"""
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ZONES = {"971": 5490, "972": 5490, "973": 2972, "974": 2975, "976": 4471}


def main(data: str, impact_csv: str) -> int:
    communes = gpd.read_file(f"{data}/communes_2018_simplified.geojson")
    table = pd.read_csv(f"{data}/communes_france.csv", dtype={"code_insee": str, "dep": str})
    communes = communes[["code_insee_2026", "geometry"]].dissolve(by="code_insee_2026", as_index=False)
    communes = communes.merge(table[["code_insee", "dep", "population"]], left_on="code_insee_2026", right_on="code_insee")
    communes["epsg"] = communes["dep"].map(lambda d: ZONES.get(d, 2154))
    pts = pd.read_csv(f"{data}/laposte_points_contact_2016.csv", sep=";", dtype=str).dropna(subset=["Latitude", "Longitude"])
    insee = pts["Code_INSEE"].fillna("")
    pts["epsg"] = [ZONES.get(c[:3], 2154) if c.startswith("97") else 2154 for c in insee]
    pts = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts["Longitude"].astype(float), pts["Latitude"].astype(float)), crs=4326)
    alone = {}
    for epsg, group in communes.groupby("epsg"):
        c = group.to_crs(int(epsg))
        p = pts[pts["epsg"] == epsg].to_crs(int(epsg)).reset_index(drop=True)
        tree = shapely.STRtree(p.geometry.values)
        centroids = c.geometry.centroid.values
        pairs = tree.query(centroids, predicate="dwithin", distance=5000.0)
        counts = np.bincount(pairs[0], minlength=len(c))
        first = {}
        for i, j in zip(pairs[0], pairs[1]):
            first.setdefault(i, j)
        for i in np.flatnonzero(counts == 1):
            site = p.iloc[first[i]]["#Identifiant_du_site"]
            alone[site] = alone.get(site, 0) + float(c.iloc[i]["population"])
    expected = sorted(alone.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    ours = pd.read_csv(impact_csv, dtype={"site_id": str}).head(20)
    bad = 0
    for (site, pop), (_, row) in zip(expected, ours.iterrows()):
        same = site == row["site_id"] and abs(pop - row["population_alone"]) < 0.5
        bad += not same
        print(f"{site:>8} {pop:>9.0f} | maillage {row['site_id']:>8} {row['population_alone']:>9.0f} {'' if same else '<-- DIFFERS'}")
    print(f"sites that alone reach some commune: {len(alone)}; top 20 {'agree' if not bad else 'differ'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
