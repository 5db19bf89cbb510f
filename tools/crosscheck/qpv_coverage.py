#!/usr/bin/env python3
"""Independent cross-check of `maillage coverage` on the real QPV polygons.

Computes, with GeoPandas/Shapely in Lambert-93 (EPSG:2154, pyproj/PROJ),
for each QPV: the number of La Poste points de contact inside it (boundary
included) and the distance from its polygon to the nearest point; then
compares with maillage's coverage.csv.

    pip install geopandas shapely pyproj
    cargo run --release --features cli -- coverage --points $D/laposte_points_contact_2016.csv \
        --territories $D/qpv_2015_occitanie.geojson --territories $D/qpv_2015_ille_et_vilaine.geojson \
        --id-field code_qp --out out/qpv
    python3 tools/crosscheck/qpv_coverage.py $D out/qpv/coverage.csv

Exits non-zero if any QPV differs (points_inside, or nearest_m by more than 1 m).
"""
import sys

import geopandas as gpd
import pandas as pd


def main(data_dir: str, coverage_csv: str) -> int:
    pts = pd.read_csv(f"{data_dir}/laposte_points_contact_2016.csv", sep=";", dtype=str)
    pts = pts.dropna(subset=["Latitude", "Longitude"])
    pts = gpd.GeoDataFrame(
        pts,
        geometry=gpd.points_from_xy(pts["Longitude"].astype(float), pts["Latitude"].astype(float)),
        crs="EPSG:4326",
    ).to_crs(2154)
    # Only metropolitan points can be nearest to a metropolitan QPV.
    pts = pts[pts.geometry.x.between(-1e5, 1.4e6) & pts.geometry.y.between(6.0e6, 7.2e6)]
    qpv = pd.concat(
        [
            gpd.read_file(f"{data_dir}/qpv_2015_occitanie.geojson"),
            gpd.read_file(f"{data_dir}/qpv_2015_ille_et_vilaine.geojson"),
        ],
        ignore_index=True,
    ).to_crs(2154)

    joined = gpd.sjoin(pts[["geometry"]], qpv[["code_qp", "geometry"]], predicate="intersects")
    inside = joined.groupby("code_qp").size()
    idx, dist = pts.sindex.nearest(qpv.geometry, return_distance=True, return_all=False)
    nearest = pd.Series(dist, index=qpv["code_qp"].iloc[idx[0]].values)

    ours = pd.read_csv(coverage_csv, dtype={"territory_id": str})
    ours = ours[ours["service"] == "postal"].set_index("territory_id")
    bad = 0
    max_diff = 0.0
    for code in qpv["code_qp"]:
        exp_in = int(inside.get(code, 0))
        exp_d = float(nearest[code])
        got_in = int(ours.loc[code, "points_inside"])
        got_d = float(ours.loc[code, "nearest_m"])
        max_diff = max(max_diff, abs(exp_d - got_d))
        if exp_in != got_in or abs(exp_d - got_d) > 1.0:
            bad += 1
            print(f"DIFF {code}: inside {got_in} vs {exp_in}, nearest {got_d:.2f} vs {exp_d:.2f}")
    print(f"{len(qpv)} QPV compared, {bad} differ, max |nearest_m diff| = {max_diff:.4f} m")
    print("sample (code, points_inside, nearest_m):")
    for code in ["QP034021", "QP030001", "QP066004", "QP031014", "QP035002", "QP035007", "QP031010"]:
        print(f"  {code} {int(inside.get(code, 0))} {float(nearest[code]):.3f}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
