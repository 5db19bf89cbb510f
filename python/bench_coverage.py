#!/usr/bin/env python3
"""The national QPV coverage (QPV 2024 × La Poste 2025, postal, 500 m) from
Python: maillage.coverage against the same run in GeoPandas/Shapely, side by
side in one process, each from the files to the result table.

    MAILLAGE_DATA=../shared/data python python/bench_coverage.py [repeats]

The GeoPandas run: the QPV and points read, each zone projected to its
official CRS (Lambert-93, the UTM-based CRS overseas, by département),
invalid polygons made valid, then per QPV the points inside, within 500 m
and the distance to the nearest one, vectorised through the STRtree
(`query(predicate="dwithin")`, `query_nearest`). Prints the medians and
the ratio.
"""
import os
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

# The installed wheel, not the source folder beside this script.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
import maillage  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MAILLAGE_DATA", ROOT.parent / "shared" / "data"))
QPV = DATA / "qpv_2024_national.geojson"
POINTS = DATA / "laposte_points_contact_2025.csv"
ZONES = {"971": 5490, "972": 5490, "977": 5490, "978": 5490,
         "973": 2972, "974": 2975, "976": 4471, "975": 4467}


def epsg_of(dep: str):
    return None if dep.startswith("98") else ZONES.get(dep, 2154)


def with_maillage() -> pd.DataFrame:
    return maillage.coverage(POINTS, QPV, kind="qpv", service="postal")


def with_geopandas() -> pd.DataFrame:
    pts = pd.read_csv(POINTS, dtype=str)
    pts = pts[pts["pays"] == "FRANCE"]
    lat = pts["latitude"].astype(float)
    lon = pts["longitude"].astype(float)
    swapped = (pts["code_insee"].str[:2] != "97") & (lat.abs() < 10) & (lon.abs() > 40)
    lat, lon = lat.where(~swapped, lon), lon.where(~swapped, lat)
    insee = pts["code_insee"].fillna("")
    dep = np.where(insee.str.startswith("97"), insee.str[:3], insee.str[:2])
    pts = gpd.GeoDataFrame({"dep": dep}, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    pts = pts[~pts.geometry.is_empty & pts.geometry.notna()]
    qpv = gpd.read_file(QPV)
    qpv["epsg"] = qpv["code_departement"].map(epsg_of)
    out = []
    for epsg, group in qpv.dropna(subset=["epsg"]).groupby("epsg"):
        zone = pts[pts["dep"].map(epsg_of) == epsg].to_crs(int(epsg)).geometry.values
        polys = group.to_crs(int(epsg)).geometry.values
        bad = ~shapely.is_valid(polys)
        polys[bad] = shapely.make_valid(polys[bad], method="structure", keep_collapsed=False)
        tree = shapely.STRtree(zone)
        inside = np.bincount(tree.query(polys, predicate="intersects")[0], minlength=len(polys))
        within = np.bincount(tree.query(polys, predicate="dwithin", distance=500.0)[0], minlength=len(polys))
        (i, _), dist = tree.query_nearest(polys, return_distance=True, all_matches=False)
        nearest = np.full(len(polys), np.nan)
        nearest[i] = dist
        out.append(pd.DataFrame({"territory_id": group["code_qp"].values, "points_inside": inside,
                                 "points_within_radius": within, "nearest_m": nearest,
                                 "served": within > 0}))
    return pd.concat(out, ignore_index=True)


def timed(f, repeats):
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main(repeats: int) -> None:
    t_m, ours = timed(with_maillage, repeats)
    t_g, ref = timed(with_geopandas, repeats)
    both = ref.merge(ours.drop(columns="geometry"), on="territory_id", suffixes=("", "_m"))
    diff = (both["nearest_m"] - both["nearest_m_m"]).abs()
    same = (both["served"] == both["served_m"]).mean()
    print(f"maillage.coverage: {len(ours)} QPV in {t_m:.2f} s (median of {repeats})")
    print(f"GeoPandas/Shapely: {len(ref)} QPV in {t_g:.2f} s (median of {repeats})")
    qpv = gpd.read_file(QPV)
    t_f, _ = timed(lambda: maillage.coverage(POINTS, qpv, kind="qpv", service="postal"), repeats)
    print(f"maillage.coverage from the GeoDataFrame in memory (points from the CSV): {t_f:.2f} s")
    print(f"ratio: maillage is {t_g / t_m:.1f}x faster; same served status on {same:.2%} "
          f"of {len(both)} QPV, median |Δ nearest| {diff.median():.3f} m")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
