#!/usr/bin/env python3
"""Independent cross-check of `maillage plan --weights` on the 2015 QPV of Occitanie.

Builds the weights table of tests/plan_weights.rs (Windows-1252, `;`, decimal
comma: code_qp, nom_qp, tp60, pop_mun; the first 5 QPV left out, the 8th with
a non-numeric tp60, 2 unknown ids), then, from a plan's sites.csv, sums with
GeoPandas in Lambert-93 (EPSG:2154) the weight of the QPV within the reach of
a chosen site (no existing host: nothing offers mediation without assignments).

    python3 tools/crosscheck/plan_weights.py make $D /tmp/qpv_weights.csv
    cargo run --features cli -- plan --points $D/laposte_points_contact_2016.csv \
        --territories $D/qpv_2015_occitanie.geojson --kind qpv --service mediation \
        --candidates bureau_de_poste --add 5 --weights /tmp/qpv_weights.csv \
        --weight column:tp60 --out /tmp/plan_tp60
    python3 tools/crosscheck/plan_weights.py check $D /tmp/qpv_weights.csv \
        /tmp/plan_tp60/sites.csv tp60

  and for a capacitated plan weighted by the polygons' population (`-`: no table):

    cargo run --features cli -- plan --points $D/laposte_points_contact_2016.csv \
        --territories $D/qpv_2015_occitanie.geojson --kind qpv --service mediation \
        --candidates bureau_de_poste --add 5 --capacity 20000 --out /tmp/plan_cap
    python3 tools/crosscheck/plan_weights.py check $D - /tmp/plan_cap/sites.csv pop_mun \
        --capacity 20000

  and for the FRR part of a plan with priorities:

    cargo run --features cli -- plan --points $D/laposte_points_contact_2016.csv \
        --territories $D/qpv_2015_occitanie.geojson --kind qpv \
        --communes $D/communes_2018_simplified.geojson --commune-table $D/communes_france.csv \
        --frr $D/frr_communes.csv --priority qpv=2,frr=1.5 --service mediation \
        --candidates bureau_de_poste --add 5 --out /tmp/plan_prio
    python3 tools/crosscheck/plan_weights.py frr $D /tmp/plan_prio/sites.csv

Prints the QPV reached and their weight; exits non-zero when plan.json's
objective (next to sites.csv) differs by more than 1e-6. With --capacity C
(`--capacity-of weight`), also solves the capacitated assignment of the
chosen sites as a linear programme (scipy) and prints its optimum.
"""
import json
import os
import sys

import geopandas as gpd
import pandas as pd


def qpv(data_dir):
    return gpd.read_file(f"{data_dir}/qpv_2015_occitanie.geojson").to_crs(2154)


def make(data_dir, out):
    q = gpd.read_file(f"{data_dir}/qpv_2015_occitanie.geojson")
    lines = ["code_qp;nom_qp;tp60;pop_mun"]
    for n, row in q.iterrows():
        if n < 5:
            continue
        tp60 = "n.d." if n == 7 else str(row["tp60"]).replace(".", ",")
        lines.append(f"{row['code_qp']};{row['nom_qp']};{tp60};{int(row['pop_mun'])}")
    lines += ["QP999991;Nowhere;50;10", "QP999992;Nowhere;50;10"]
    with open(out, "w", encoding="cp1252", errors="replace", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def check(data_dir, weights_csv, sites_csv, column, capacity=None):
    q = qpv(data_dir)
    if weights_csv == "-":  # the polygons' own column
        q["w"] = q[column].astype(float)
    else:
        w = pd.read_csv(weights_csv, sep=";", encoding="cp1252", dtype=str)
        w[column] = pd.to_numeric(w[column].str.replace(",", "."), errors="coerce")
        w = w.dropna(subset=[column]).set_index("code_qp")[column]
        q["w"] = q["code_qp"].map(w).fillna(0.0)
    sites = pd.read_csv(sites_csv)
    pts = gpd.GeoDataFrame(
        sites, geometry=gpd.points_from_xy(sites["lon"], sites["lat"]), crs="EPSG:4326"
    ).to_crs(2154)
    reach = 500.0
    dist = q.geometry.apply(lambda g: pts.distance(g).min())
    reached = q[dist <= reach]
    total = float(reached["w"].sum())
    print(f"{len(reached)} QPV within {reach:.0f} m of the {len(pts)} sites, weighing {total:.6f}")
    with open(os.path.join(os.path.dirname(sites_csv), "plan.json")) as f:
        plan = json.load(f)
    if capacity is None:
        got = plan["objective"]
        print(f"plan.json objective {got:.6f}")
        return 0 if abs(got - total) <= 1e-6 else 1
    from scipy.optimize import linprog

    pairs = [(i, s) for i in range(len(q)) for s in range(len(pts))
             if pts.geometry.iloc[s].distance(q.geometry.iloc[i]) <= reach and q["w"].iloc[i] > 0]
    c = [-q["w"].iloc[i] for i, _ in pairs]
    a, b = [], []
    for i in sorted({i for i, _ in pairs}):
        a.append([1.0 if p[0] == i else 0.0 for p in pairs]); b.append(1.0)
    for s in range(len(pts)):
        a.append([q["w"].iloc[p[0]] if p[1] == s else 0.0 for p in pairs]); b.append(capacity)
    res = linprog(c, A_ub=a, b_ub=b, bounds=(0, 1))
    best = -res.fun
    got = plan["capacity"]["objective"]
    print(f"capacitated assignment of these sites (scipy linprog), optimum {best:.6f}")
    print(f"plan.json capacity objective {got:.6f}")
    return 0 if abs(got - best) <= 1e-6 * max(best, 1.0) else 1


def frr(data_dir, sites_csv):
    """The FRR part of a plan with --priority qpv=2,frr=1.5: the communes
    classified FRR or FRR+ (codefrr 4 or 5) that have a polygon, their
    population (communes_france.csv), and what lies within 5 km of the sites."""
    f = pd.read_csv(f"{data_dir}/frr_communes.csv", dtype=str)
    com = pd.read_csv(f"{data_dir}/communes_france.csv", dtype={"code_insee": str}, low_memory=False)
    poly = gpd.read_file(f"{data_dir}/communes_2018_simplified.geojson").to_crs(2154)
    poly = poly.dissolve(by="code_insee_2026").reset_index()
    f = f[f.codefrr.isin(["4", "5"])][["code_insee"]]
    f = f.merge(com[["code_insee", "population"]], on="code_insee")
    f = poly.merge(f, left_on="code_insee_2026", right_on="code_insee")
    sites = pd.read_csv(sites_csv)
    pts = gpd.GeoDataFrame(
        sites, geometry=gpd.points_from_xy(sites["lon"], sites["lat"]), crs="EPSG:4326"
    ).to_crs(2154)
    near = f[f.geometry.apply(lambda g: pts.distance(g).min() <= 5000.0)]
    print(f"{len(f)} FRR communes with a polygon, population {f.population.sum()}")
    print(f"{len(near)} within 5 km of the {len(pts)} sites, population {near.population.sum()}")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "frr":
        sys.exit(frr(sys.argv[2], sys.argv[3]))
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
        sys.exit(0)
    cap = float(sys.argv[sys.argv.index("--capacity") + 1]) if "--capacity" in sys.argv else None
    sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], cap))
