#!/usr/bin/env python3
"""maillage `plan` beside PySAL spopt's MCLP, in one run, on the same instance:
which k bureaux de poste of the mid-2025 network should host mediation so that
the most QPV of the 2024 list have one within 500 m (each QPV weighs 1)?

    bash benches/peer/install.sh && pip install spopt pulp
    python3 benches/peer/plan_peer.py [DATA_DIR] [k ...]

Builds maillage's release binary, times `maillage plan --exact` end to end
(reading included), then spopt: the dense QPV × office distance matrix (in
each zone's CRS, polygons repaired as in tools/crosscheck/qpv2024_coverage.py)
and `MCLP.from_cost_matrix(...).solve(CBC)`. Exits non-zero if the optima differ.
"""
import json
import os
import subprocess
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pulp
import shapely
from spopt.locate import MCLP

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "crosscheck"))
from qpv2024_coverage import epsg_of, load_points  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def spopt_instance(data: str):
    t = time.perf_counter()
    pts = load_points(data)
    pts = pts[pts["caracteristique_du_site"] == "Bureau de Poste"]
    qpv = gpd.read_file(f"{data}/qpv_2024_national.geojson")
    qpv["epsg"] = qpv["code_departement"].map(epsg_of)
    qpv = qpv.dropna(subset=["epsg"]).reset_index(drop=True)
    pts = pts.assign(epsg=pts["dep"].map(epsg_of)).reset_index(drop=True)
    cost = np.full((len(qpv), len(pts)), 1e9)
    for epsg in qpv["epsg"].unique():
        qi = np.flatnonzero(qpv["epsg"] == epsg)
        pj = np.flatnonzero(pts["epsg"] == epsg)
        if len(pj) == 0:
            continue
        polys = np.array(qpv.iloc[qi].to_crs(int(epsg)).geometry.tolist(), dtype=object)
        bad = ~shapely.is_valid(polys)
        polys[bad] = shapely.make_valid(polys[bad], method="structure", keep_collapsed=False)
        p = np.array(pts.iloc[pj].to_crs(int(epsg)).geometry.tolist(), dtype=object)
        cost[np.ix_(qi, pj)] = shapely.distance(polys[:, None], p[None, :])
    return qpv, pts, cost, time.perf_counter() - t


def main() -> int:
    data = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data"))
    ks = [int(k) for k in sys.argv[2:]] or [50]
    subprocess.run(["cargo", "build", "--release", "--features", "cli"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "maillage")
    qpv, pts, cost, matrix_s = spopt_instance(data)
    print(f"spopt instance: {len(qpv)} QPV × {len(pts)} bureaux de poste; dense matrix built in {matrix_s:.1f} s")
    bad = 0
    for k in ks:
        out = os.path.join(ROOT, "out", "peer", f"plan{k}")
        t = time.perf_counter()
        subprocess.run(
            [binary, "plan", "--points", f"{data}/laposte_points_contact_2025.csv",
             "--territories", f"{data}/qpv_2024_national.geojson", "--kind", "qpv",
             "--service", "mediation", "--candidates", "bureau_de_poste", "--add", str(k),
             "--weight", "count", "--exact", "60", "--out", out],
            check=True, capture_output=True,
        )
        ours_s = time.perf_counter() - t
        plan = json.load(open(os.path.join(out, "plan.json")))
        t = time.perf_counter()
        model = MCLP.from_cost_matrix(cost, np.ones(len(qpv)), service_radius=500.0, p_facilities=k, name=f"mclp{k}")
        model = model.solve(pulp.PULP_CBC_CMD(msg=False))
        solve_s = time.perf_counter() - t
        covered = int(np.asarray(model.problem.objective.value()).round()) if model.problem.objective.value() is not None else -1
        spopt_covered = int(sum(1 for row in model.cli2fac if row)) if hasattr(model, "cli2fac") else covered
        agree = int(plan["objective"]) == spopt_covered
        bad += not agree
        print(f"k = {k}: maillage {plan['objective']:.0f} QPV (optimal: {plan['optimal']}, bound {plan['upper_bound']:.0f}), "
              f"{ours_s:.2f} s end to end, {plan['seconds']:.3f} s to plan | spopt {spopt_covered} QPV, "
              f"{matrix_s + solve_s:.1f} s ({matrix_s:.1f} s matrix + {solve_s:.1f} s solve; reading the files not counted) | "
              f"ratio {(matrix_s + solve_s) / ours_s:.0f}× {'agree' if agree else 'DIFFER'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
