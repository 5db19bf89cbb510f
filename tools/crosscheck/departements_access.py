#!/usr/bin/env python3
"""Independent cross-check of `maillage access --model centroid` with GeoPandas.

Communes: the 2018 polygons dissolved by `code_insee_2026`, centroid of each
dissolved polygon in its zone's CRS; population and département from
communes_france.csv. Points de contact: the 2016 file, zone from the INSEE
code prefix. Distance: Shapely STRtree nearest. Per département: share of the
population farther than 5 km (and within 10 km).

    maillage access --points $D/laposte_points_contact_2016.csv --communes $D/communes_2018_simplified.geojson \
        --population $D/communes_france.csv --out out/access
    python3 tools/crosscheck/departements_access.py $D out/access/departements.csv

Exits non-zero if any département differs by more than 0.1 percentage point.
"""
import sys

import geopandas as gpd
import pandas as pd

ZONE_EPSG = {"971": 5490, "972": 5490, "977": 5490, "978": 5490, "973": 2972, "974": 2975, "976": 4471, "975": 4467}


def epsg_of(code: str) -> int:
    return ZONE_EPSG.get(code[:3], 2154)


def main(data: str, ours_csv: str) -> int:
    communes = gpd.read_file(f"{data}/communes_2018_simplified.geojson")
    communes = communes.drop(columns=["dep"]).dissolve(by="code_insee_2026", as_index=False)
    table = pd.read_csv(f"{data}/communes_france.csv", dtype=str)
    table["population"] = table["population"].astype(float)
    communes = communes.merge(table[["code_insee", "dep", "population"]], left_on="code_insee_2026", right_on="code_insee")

    pts = pd.read_csv(f"{data}/laposte_points_contact_2016.csv", sep=";", dtype=str).dropna(subset=["Latitude", "Longitude"])
    pts = gpd.GeoDataFrame(
        pts, geometry=gpd.points_from_xy(pts["Longitude"].astype(float), pts["Latitude"].astype(float)), crs=4326
    )
    pts["epsg"] = pts["Code_INSEE"].map(epsg_of)
    communes["epsg"] = communes["code_insee_2026"].map(epsg_of)

    parts = []
    for epsg, group in communes.groupby("epsg"):
        c = group.to_crs(epsg)
        p = pts[pts["epsg"] == epsg].to_crs(epsg)
        centroids = c.geometry.centroid
        idx, dist = p.sindex.nearest(centroids, return_distance=True, return_all=False)
        distance = pd.Series(dist, index=c.index[idx[0]])
        c = c.assign(distance=distance)
        parts.append(pd.DataFrame(c[["dep", "population", "distance"]]))
    df = pd.concat(parts)
    df["beyond5"] = df["population"].where(df["distance"] > 5000, 0.0)
    df["beyond10"] = df["population"].where(df["distance"] > 10000, 0.0)
    deps = df.groupby("dep")[["population", "beyond5", "beyond10"]].sum()
    deps["share_beyond"] = deps["beyond5"] / deps["population"]

    ours = pd.read_csv(ours_csv, dtype={"dep": str}).set_index("dep")
    worst = 0.0
    bad = 0
    for dep, row in deps.iterrows():
        diff = abs(row["share_beyond"] - ours.loc[dep, "share_beyond"]) * 100
        worst = max(worst, diff)
        if diff > 0.1:
            bad += 1
            print(f"DIFF {dep}: {100 * row['share_beyond']:.3f} % vs maillage {100 * ours.loc[dep, 'share_beyond']:.3f} %")
    total = deps["population"].sum()
    print(f"{len(deps)} départements compared, {bad} differ by > 0.1 pp, largest difference {worst:.4f} pp")
    print(f"national share beyond 5 km: {100 * deps['beyond5'].sum() / total:.4f} %  (maillage {100 * ours.loc['FR', 'share_beyond']:.4f} %)")
    print(f"national share within 10 km: {100 * (1 - deps['beyond10'].sum() / total):.4f} %")
    over = sorted(deps.index[deps["share_beyond"] > 0.10])
    print("départements over 10 % beyond 5 km:", ", ".join(over))
    for dep in ["01", "05", "2A", "48", "973", "974", "976"]:
        print(f"  {dep}: population {deps.loc[dep, 'population']:.0f}, beyond {deps.loc[dep, 'beyond5']:.0f}, share {100 * deps.loc[dep, 'share_beyond']:.4f} %")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
