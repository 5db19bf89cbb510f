#!/usr/bin/env python3
"""Independent cross-check of `maillage coverage` on the national QPV 2024 list
and the mid-2025 La Poste network.

With GeoPandas/Shapely and pyproj (PROJ), in each zone's official CRS
(Lambert-93 for metropolitan France, the UTM-based CRS overseas, chosen here
from the département code, not from maillage's zone boxes), for each QPV:
the number of points de contact inside it (boundary included), the number
within 500 m, and the distance from its polygon to the nearest point.
Invalid polygons are repaired with `shapely.make_valid(method="structure",
keep_collapsed=False)`: polygonal output only, zero-area spikes and
collapsed parts dropped — the same rule as maillage's (even-odd,
polygon parts only).

    bash benches/peer/install.sh
    D=../shared/data
    cargo run --release --features cli -- coverage --points $D/laposte_points_contact_2025.csv \
        --territories $D/qpv_2024_national.geojson --kind qpv --out out/qpv2024
    python3 tools/crosscheck/qpv2024_coverage.py $D out/qpv2024/coverage.csv

Exits non-zero if any QPV differs (points_inside or points_within_radius, or
nearest_m by more than 1 m).
"""
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ZONES = {  # département → EPSG of its zone
    "971": 5490, "972": 5490, "977": 5490, "978": 5490,
    "973": 2972, "974": 2975, "976": 4471, "975": 4467,
}


def epsg_of(dep: str) -> int | None:
    if dep.startswith("98"):
        return None  # Polynesia, New Caledonia...: outside La Poste's zones
    return ZONES.get(dep, 2154)


def load_points(data_dir: str) -> gpd.GeoDataFrame:
    pts = pd.read_csv(f"{data_dir}/laposte_points_contact_2025.csv", dtype=str)
    pts = pts[pts["pays"] == "FRANCE"].copy()  # the 7 Andorra offices are left out
    lat = pts["latitude"].astype(float)
    lon = pts["longitude"].astype(float)
    # One site has latitude and longitude swapped (|lat| < 5 in metropolitan France).
    swapped = (pts["code_insee"].str[:2] != "97") & (lat.abs() < 10) & (lon.abs() > 40)
    lat, lon = lat.where(~swapped, lon), lon.where(~swapped, lat)
    print(f"points: {len(pts)} in France, {int(swapped.sum())} swapped pair(s) repaired")
    insee = pts["code_insee"].fillna("")
    pts["dep"] = np.where(insee.str.startswith("97"), insee.str[:3], insee.str[:2])
    return gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def main(data_dir: str, coverage_csv: str) -> int:
    pts = load_points(data_dir)
    qpv = gpd.read_file(f"{data_dir}/qpv_2024_national.geojson")
    qpv["epsg"] = qpv["code_departement"].map(epsg_of)
    print(f"QPV: {len(qpv)}, {int(qpv['epsg'].isna().sum())} outside La Poste's zones")
    rows = []
    for epsg, group in qpv.dropna(subset=["epsg"]).groupby("epsg"):
        zone_pts = pts[pts["dep"].map(epsg_of) == epsg].to_crs(int(epsg))
        polys = group.to_crs(int(epsg))
        invalid = ~polys.geometry.is_valid
        polys.loc[invalid, "geometry"] = shapely.make_valid(
            polys.geometry[invalid].values, method="structure", keep_collapsed=False
        )
        tree = zone_pts.sindex
        idx, dist = tree.nearest(polys.geometry, return_distance=True, return_all=False)
        nearest = pd.Series(dist, index=polys.index[idx[0]])
        for i, row in polys.iterrows():
            g = row.geometry
            inside = int(zone_pts.geometry.intersects(g).sum())
            within = int(zone_pts.geometry.dwithin(g, 500.0).sum())
            rows.append((row["code_qp"], inside, within, float(nearest[i]), bool(invalid[i])))
    ref = pd.DataFrame(rows, columns=["code_qp", "inside", "within", "nearest", "repaired"]).set_index("code_qp")

    ours = pd.read_csv(coverage_csv, dtype={"territory_id": str})
    ours = ours[ours["service"] == "postal"].set_index("territory_id")
    missing = sorted(set(ref.index) ^ set(ours.index))
    if missing:
        print(f"QPV in one output only: {missing[:10]}")
        return 1
    both = ref.join(ours)
    diff = (both["nearest"] - both["nearest_m"]).abs()
    bad = both[(both["inside"] != both["points_inside"]) | (both["within"] != both["points_within_radius"]) | (diff > 1.0)]
    for code, r in bad.iterrows():
        print(f"DIFF {code}: inside {r.points_inside} vs {r.inside}, within {r.points_within_radius} vs {r.within}, "
              f"nearest {r.nearest_m:.2f} vs {r.nearest:.2f} (repaired: {r.repaired})")
    served = int((both["within"] > 0).sum())
    print(f"{len(both)} QPV compared, {len(bad)} differ; max |nearest_m diff| = {diff.max():.4f} m "
          f"({diff[~both['repaired']].max():.4f} m on valid polygons)")
    print(f"served within 500 m: {served}; unserved: {len(both) - served}; "
          f"with a point inside: {int((both['inside'] > 0).sum())}; "
          f"points inside, in all: {int(both['inside'].sum())}")
    print(f"mean nearest distance of the unserved: {both.loc[both['within'] == 0, 'nearest'].mean():.2f} m")
    for code in ["QN97324M", "QN97209N", "QN00216M", "QN05716M", "QN07501M", "QN13001M"]:
        if code in both.index:
            r = both.loc[code]
            print(f"  {code} inside {r.inside} within {r.within} nearest {r.nearest:.2f}")
    return 1 if len(bad) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
