#!/usr/bin/env python3
"""Independent cross-check of `maillage closures` (scenarios.csv): every
single closure of the 17,965 points de contact of 2025, measured on every
département's legal test (5 km) under the commune-centroid population model.

With GeoPandas/Shapely and pyproj, as tools/crosscheck/closure_impact.py:
commune polygons dissolved to their current code, population from the
commune table at the area-weighted centroid of each commune, projected per
zone; an STRtree counts the sites within 5 km of each centroid. Per
département: its population, the population no site reaches (beyond now),
and for each site the population only it reaches (newly beyond once it
closed).

    D=../shared/data
    cargo run --release --features cli -- closures --points $D/laposte_points_contact_2025.csv \
        --communes $D/communes_2018_simplified.geojson --population $D/communes_france.csv \
        --scenarios each --changed-only --out out/closures
    python3 tools/crosscheck/closure_sweep.py $D out/closures/scenarios.csv

Exits non-zero if a département's figures, a changed (site, département)
row or the closures that make a complying département fail differ.
"""
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ZONES = {"971": 5490, "972": 5490, "973": 2972, "974": 2975, "976": 4471}


def main(data: str, scenarios_csv: str) -> int:
    communes = gpd.read_file(f"{data}/communes_2018_simplified.geojson")
    table = pd.read_csv(f"{data}/communes_france.csv", dtype={"code_insee": str, "dep": str})
    communes = communes[["code_insee_2026", "geometry"]].dissolve(by="code_insee_2026", as_index=False)
    communes = communes.merge(table[["code_insee", "dep", "population"]],
                              left_on="code_insee_2026", right_on="code_insee")
    communes = communes[communes["population"] > 0]
    communes["epsg"] = communes["dep"].map(lambda d: ZONES.get(d, 2154))
    pts = pd.read_csv(f"{data}/laposte_points_contact_2025.csv", dtype=str)
    pts = pts[pts["pays"].fillna("FRANCE").str.upper() == "FRANCE"].dropna(subset=["latitude", "longitude"])
    insee = pts["code_insee"].fillna("")
    pts["epsg"] = [ZONES.get(c[:3], 2154) if c.startswith("97") else 2154 for c in insee]
    pts = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts["longitude"].astype(float),
                                                            pts["latitude"].astype(float)), crs=4326)
    total, beyond = {}, {}
    alone = {}  # (site, dep) -> population
    for epsg, group in communes.groupby("epsg"):
        c = group.to_crs(int(epsg)).reset_index(drop=True)
        p = pts[pts["epsg"] == epsg].to_crs(int(epsg)).reset_index(drop=True)
        tree = shapely.STRtree(p.geometry.values)
        pairs = tree.query(c.geometry.centroid.values, predicate="dwithin", distance=5000.0)
        counts = np.bincount(pairs[0], minlength=len(c))
        first = {}
        for i, j in zip(pairs[0], pairs[1]):
            first.setdefault(i, j)
        for i in range(len(c)):
            dep, pop = c.at[i, "dep"], float(c.at[i, "population"])
            total[dep] = total.get(dep, 0.0) + pop
            if counts[i] == 0:
                beyond[dep] = beyond.get(dep, 0.0) + pop
            elif counts[i] == 1:
                key = (p.at[first[i], "identifiant_a"], dep)
                alone[key] = alone.get(key, 0.0) + pop
    ours = pd.read_csv(scenarios_csv, dtype={"scenario_id": str, "departement": str})
    bad = 0
    deps = ours.drop_duplicates("departement").set_index("departement")
    for dep, pop in total.items():
        if dep not in deps.index:
            continue  # a département no closure changes: absent from a --changed-only table
        row = deps.loc[dep]
        if abs(row["population"] - pop) > 0.5 or abs(row["beyond_now"] - beyond.get(dep, 0.0)) > 0.5:
            bad += 1
            print(f"{dep}: maillage {row['population']} / {row['beyond_now']}, "
                  f"check {pop} / {beyond.get(dep, 0.0)}")
    changed = ours[ours["newly_beyond"] > 0]
    mine = {(r.scenario_id, r.departement): r.newly_beyond for r in changed.itertuples()}
    expected = {k: v for k, v in alone.items() if v > 0}
    for k in sorted(set(mine) | set(expected)):
        if abs(mine.get(k, 0.0) - expected.get(k, 0.0)) > 0.5:
            bad += 1
            if bad <= 20:
                print(f"{k}: maillage {mine.get(k)}, check {expected.get(k)}")
    law = 0.10
    fail_check = sorted(k for k, v in expected.items()
                        if beyond.get(k[1], 0.0) / total[k[1]] <= law < (beyond.get(k[1], 0.0) + v) / total[k[1]])
    fail_ours = sorted(zip(*[ours[ours["complies_now"] & ~ours["complies_after"]][c]
                             for c in ("scenario_id", "departement")]))
    if fail_check != fail_ours:
        bad += 1
        print(f"failing closures: maillage {fail_ours}, check {fail_check}")
    print(f"{len(expected)} (site, département) rows with people only that site reaches, "
          f"{len(fail_check)} closures that break the law: {fail_check}")
    print("OK" if bad == 0 else f"{bad} difference(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
