#!/usr/bin/env python3
"""The national run, done the GeoPandas / Shapely way: the peer baseline of maillage.

Same inputs, same figures, same methods as `examples/national_run.rs`:
1. coverage of every commune (2018 polygons dissolved by `code_insee_2026`)
   for La Poste and France Services within 5 km of the polygon, and of every
   QPV for postal, France Services and digital inclusion (conseillers
   numériques) within 500 m (mediation and Point Poste ESS have no site);
2. a 200 m dasymetric grid: cells aligned on multiples of 200 m in each
   zone's CRS whose centres fall in the commune (shapely.contains_xy), the
   commune's population spread in whole numbers (cell k of n gets
   floor((k+1)P/n) - floor(kP/n)), a commune without cell at its
   representative point; distance of every cell to the nearest point de
   contact (STRtree.query_nearest); per département the shares beyond 5 km
   and within 10 km;
3. outputs: CSV and GeoJSON of gaps.

    python3 benches/peer/national_peer.py ../shared/data out/peer
"""
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ZONE_EPSG = {"971": 5490, "972": 5490, "977": 5490, "978": 5490, "973": 2972, "974": 2975, "976": 4471, "975": 4467}


def epsg_of(code) -> int:
    return ZONE_EPSG.get(str(code)[:3], 2154)


def points_gdf(df, lon, lat, code):
    df = df.dropna(subset=[lon, lat])
    g = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df[lon].astype(float), df[lat].astype(float)), crs=4326)
    g["epsg"] = g[code].map(epsg_of)
    return g


def grid_cells(geom, cell=200.0):
    x0, y0, x1, y1 = geom.bounds
    xs = (np.arange(np.ceil(x0 / cell - 0.5), np.floor(x1 / cell - 0.5) + 1) + 0.5) * cell
    ys = (np.arange(np.ceil(y0 / cell - 0.5), np.floor(y1 / cell - 0.5) + 1) + 0.5) * cell
    if len(xs) == 0 or len(ys) == 0:
        return np.empty(0), np.empty(0)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(geom, gx, gy)
    return gx[inside], gy[inside]


def run(data: str, out: str) -> dict:
    timings = {}
    t = time.perf_counter()
    lp = pd.read_csv(f"{data}/laposte_points_contact_2025.csv", dtype=str)
    lp = lp[lp["pays"] == "FRANCE"].copy()  # the Andorra offices are not counted
    lat, lon = lp["latitude"].astype(float), lp["longitude"].astype(float)
    swapped = (lp["code_insee"].str[:2] != "97") & (lat.abs() < 10) & (lon.abs() > 40)
    lp["latitude"], lp["longitude"] = lat.where(~swapped, lon), lon.where(~swapped, lat)
    lp = points_gdf(lp, "longitude", "latitude", "code_insee")
    fs = points_gdf(pd.read_csv(f"{data}/france_services_2024-08.csv", dtype=str), "longitude", "latitude", "insee_com")
    cn = gpd.read_file(f"{data}/conseillers_numeriques_structures_2021.geojson")
    cn = cn[cn.geometry.notna()].copy()
    cn["epsg"] = cn["insee_com"].map(epsg_of)
    communes = gpd.read_file(f"{data}/communes_2018_simplified.geojson").drop(columns=["dep"])
    communes = communes.dissolve(by="code_insee_2026", as_index=False)
    table = pd.read_csv(f"{data}/communes_france.csv", dtype=str)
    table["population"] = table["population"].astype("int64")
    communes = communes.merge(table[["code_insee", "dep", "population"]], left_on="code_insee_2026", right_on="code_insee")
    communes["epsg"] = communes["code_insee_2026"].map(epsg_of)
    qpv = gpd.read_file(f"{data}/qpv_2024_national.geojson")
    qpv = qpv[~qpv["code_departement"].str.startswith("98")].copy()  # Polynesia: outside every zone
    qpv["epsg"] = qpv["code_departement"].map(epsg_of)
    timings["read"] = time.perf_counter() - t

    t = time.perf_counter()
    services = {"postal": lp, "france_services": fs, "digital_inclusion": cn}
    by_zone = {}
    for epsg in sorted(communes["epsg"].unique()):
        by_zone[epsg] = {name: g[g["epsg"] == epsg].to_crs(epsg) for name, g in services.items()}
    # One frame per zone: GeoPandas cannot mix CRSs in one column.
    communes_by_zone = {epsg: g.to_crs(epsg) for epsg, g in communes.groupby("epsg")}
    qpv_by_zone = {}
    for epsg, g in qpv.groupby("epsg"):
        g = g.to_crs(epsg)
        bad = ~g.geometry.is_valid
        g.loc[bad, "geometry"] = shapely.make_valid(g.geometry[bad].values, method="structure", keep_collapsed=False)
        qpv_by_zone[epsg] = g
    timings["project"] = time.perf_counter() - t

    t = time.perf_counter()
    trees = {(epsg, name): shapely.STRtree(g.geometry.values) for epsg, d in by_zone.items() for name, g in d.items() if len(g)}
    timings["index"] = time.perf_counter() - t

    t = time.perf_counter()
    rows = []
    for (layer, radius, svcs) in [(communes_by_zone, 5000.0, ["postal", "france_services"]), (qpv_by_zone, 500.0, ["postal", "france_services", "digital_inclusion", "mediation", "point_poste_ess"])]:
        for epsg, group in layer.items():
            for s in svcs:
                tree = trees.get((epsg, s))
                if tree is None:
                    d = np.full(len(group), np.inf)
                else:
                    idx, dist = tree.query_nearest(group.geometry.values, return_distance=True, all_matches=False)
                    d = np.full(len(group), np.inf)
                    d[idx[0]] = dist
                code = group["code_insee_2026"] if "code_insee_2026" in group else group["code_qp"]
                rows.append(pd.DataFrame({"id": code.values, "service": s, "nearest_m": d, "served": d <= radius, "population": group.get("population", pd.Series(np.nan, index=group.index)).values}))
    coverage = pd.concat(rows, ignore_index=True)
    timings["coverage"] = time.perf_counter() - t

    t = time.perf_counter()
    xs, ys, pops, deps, zones = [], [], [], [], []
    for row in (r for g in communes_by_zone.values() for r in g.itertuples()):
        gx, gy = grid_cells(row.geometry)
        n = len(gx)
        if n == 0:
            p = row.geometry.representative_point()
            gx, gy, share = np.array([p.x]), np.array([p.y]), np.array([row.population], dtype=np.int64)
        else:
            k = np.arange(n, dtype=np.int64)
            share = ((k + 1) * row.population) // n - (k * row.population) // n
        xs.append(gx); ys.append(gy); pops.append(share)
        deps.append(np.full(len(gx), row.dep, dtype=object)); zones.append(np.full(len(gx), row.epsg))
    x, y, pop, dep, zone = (np.concatenate(a) for a in (xs, ys, pops, deps, zones))
    timings["population grid"] = time.perf_counter() - t

    t = time.perf_counter()
    dist = np.full(len(x), np.inf)
    for epsg in np.unique(zone):
        sel = np.nonzero(zone == epsg)[0]
        tree = trees.get((epsg, "postal"))
        if tree is None:
            continue
        idx, d = tree.query_nearest(shapely.points(x[sel], y[sel]), return_distance=True, all_matches=False)
        dist[sel[idx[0]]] = d
    cells = pd.DataFrame({"dep": dep, "population": pop, "b5": np.where(dist > 5000, pop, 0), "b10": np.where(dist > 10000, pop, 0)})
    deps_table = cells.groupby("dep")[["population", "b5", "b10"]].sum()
    deps_table["share_beyond"] = deps_table["b5"] / deps_table["population"]
    deps_table["share_within_decree"] = 1 - deps_table["b10"] / deps_table["population"]
    timings["accessibility"] = time.perf_counter() - t

    t = time.perf_counter()
    coverage.to_csv(f"{out}/coverage_geopandas.csv", index=False)
    deps_table.to_csv(f"{out}/departements_geopandas.csv")
    unserved = coverage[(coverage["service"] == "postal") & ~coverage["served"]]
    parts = [g.merge(unserved, left_on="code_insee_2026", right_on="id")[["id", "nearest_m", "geometry"]].to_crs(4326) for g in communes_by_zone.values()]
    gpd.GeoDataFrame(pd.concat(parts), geometry="geometry", crs=4326).to_file(f"{out}/communes_gaps_geopandas.geojson", driver="GeoJSON")
    timings["write"] = time.perf_counter() - t
    return {"timings": timings, "cells": len(x), "departements": deps_table, "coverage": coverage}


if __name__ == "__main__":
    result = run(sys.argv[1], sys.argv[2])
    for k, v in result["timings"].items():
        print(f"{v:8.2f} s  {k}")
    print(f"{sum(result['timings'].values()):8.2f} s  total; {result['cells']} cells")
