#!/usr/bin/env python3
"""Independent cross-check of `maillage plan --comply` with Shapely and pyproj.

For every département the plan planned (plan.json's `departements`), the
share of its population farther than 5 km from the nearest point de contact,
recomputed from the 2016 points plus the plan's written sites.csv:

- communes: the 2018 polygons dissolved by `code_insee_2026`, population and
  département from communes_france.csv, projected to their zone's CRS;
- population: the dasymetric 200 m grid, rebuilt here: cell centres on
  multiples of 200 m (+100) inside the commune polygon, row by row from the
  south, west to east; the commune's population P shared among its n cells
  as maillage shares it, in whole persons (cell k holds
  floor((k+1)P/n) - floor(kP/n)), and also evenly (P/n each), for
  information (a commune holding no centre: one unit at its representative
  point);
- sites: the 2016 file (zone from the INSEE code prefix) and sites.csv (zone
  from its `departement`), from their longitude and latitude;
- distance: Shapely STRtree nearest, in metres in the zone's CRS.

    maillage plan --points $D/laposte_points_contact_2016.csv --communes $D/communes_2018_simplified.geojson \
        --population $D/communes_france.csv --service postal --candidates grid:2000 --comply --out out/comply
    python3 tools/crosscheck/plan_comply.py $D out/comply [départements...]

Exits non-zero when a département's share (whole-person cells) differs from
plan.json's measured `share_beyond_after` by more than 0.05 percentage point,
or is over 10 %. The even share is printed beside it: where communes hold far
fewer people than cells (Guyane: most cells hold nobody, one person every few
dozen cells), the two placements differ, and a plan tuned to one may not hold
under the other.
"""
import json
import sys

import numpy as np
import pandas as pd
import pyproj
import shapely
import shapely.geometry
import shapely.ops
from shapely import STRtree

ZONE_EPSG = {"971": 5490, "972": 5490, "977": 5490, "978": 5490, "973": 2972, "974": 2975, "976": 4471, "975": 4467}
TOLERANCE_PP = 0.05
CELL = 200.0


def epsg_of(code: str) -> int:
    return ZONE_EPSG.get(str(code)[:3], 2154)


def project(lon, lat, epsg):
    t = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
    return t.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def communes_of(data: str, deps):
    with open(f"{data}/communes_2018_simplified.geojson") as f:
        features = json.load(f)["features"]
    table = pd.read_csv(f"{data}/communes_france.csv", dtype=str)
    table = table.set_index("code_insee")
    out = {}
    for feat in features:
        code = feat["properties"].get("code_insee_2026")
        if code is None or code not in table.index:
            continue
        dep = table.loc[code, "dep"]
        if dep not in deps:
            continue
        out.setdefault(code, (dep, float(table.loc[code, "population"]), []))[2].append(shapely.geometry.shape(feat["geometry"]))
    return out


def cells(poly):
    x0, y0, x1, y1 = poly.bounds
    cols = np.arange(np.ceil(x0 / CELL - 0.5), np.floor(x1 / CELL - 0.5) + 1)
    rows = np.arange(np.ceil(y0 / CELL - 0.5), np.floor(y1 / CELL - 0.5) + 1)
    if len(cols) == 0 or len(rows) == 0:
        return np.empty((0, 2))
    xs, ys = np.meshgrid((cols + 0.5) * CELL, (rows + 0.5) * CELL)
    xs, ys = xs.ravel(), ys.ravel()
    inside = shapely.contains_xy(poly, xs, ys)
    return np.column_stack([xs[inside], ys[inside]])


def main(data: str, out: str, only) -> int:
    plan = json.load(open(f"{out}/plan.json"))
    planned = {d["departement"]: d for d in plan["departements"]}
    deps = [d for d in (only or planned) if d in planned]
    pts = pd.read_csv(f"{data}/laposte_points_contact_2016.csv", sep=";", dtype=str).dropna(subset=["Latitude", "Longitude"])
    pts["epsg"] = pts["Code_INSEE"].map(epsg_of)
    sites = pd.read_csv(f"{out}/sites.csv", dtype={"departement": str})
    sites["epsg"] = sites["departement"].map(epsg_of)
    communes = communes_of(data, set(deps))
    bad = 0
    for dep in sorted(deps):
        epsg = epsg_of(dep)
        p = pts[pts["epsg"] == epsg]
        s = sites[sites["epsg"] == epsg]
        px, py = project(p["Longitude"].astype(float), p["Latitude"].astype(float), epsg)
        sx, sy = project(s["lon"], s["lat"], epsg)
        tree = STRtree(shapely.points(np.concatenate([px, sx]), np.concatenate([py, sy])))
        to = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
        population = beyond = beyond_even = 0.0
        for code, (d, pop, geoms) in communes.items():
            if d != dep:
                continue
            poly = shapely.ops.transform(to.transform, shapely.union_all(geoms))  # noqa: the ring order is kept
            xy = cells(poly)
            if len(xy) == 0:
                rp = poly.representative_point()
                xy, share, even = np.array([[rp.x, rp.y]]), np.array([pop]), np.array([pop])
            else:
                n, whole = len(xy), int(round(pop))
                k = np.arange(n, dtype=np.int64)
                share = ((k + 1) * whole // n - k * whole // n).astype(float)
                even = np.full(n, pop / n)
            _, dist = tree.query_nearest(shapely.points(xy[:, 0], xy[:, 1]), return_distance=True, all_matches=False)
            population += share.sum()
            beyond += share[dist > 5000.0].sum()
            beyond_even += even[dist > 5000.0].sum()
        ours = planned[dep]["measured"]["share_beyond_after"]
        claimed = planned[dep]["claimed"]["share_beyond_after"]
        mine = beyond / population
        diff = abs(mine - ours) * 100
        flag = ""
        if diff > TOLERANCE_PP or mine > 0.10:
            bad += 1
            flag = "  <-- DIFF" if diff > TOLERANCE_PP else "  <-- over 10 %"
        print(
            f"{dep}: population {population:.0f}, beyond 5 km {beyond:.0f}: {100 * mine:.4f} % "
            f"(maillage measured {100 * ours:.4f} %, claimed {100 * claimed:.4f} %; "
            f"{len(s)} new sites in its zone); evenly shared: {100 * beyond_even / population:.4f} %{flag}"
        )
    print(f"{len(deps)} départements compared, {bad} differ by > {TOLERANCE_PP} pp or are over 10 %")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
