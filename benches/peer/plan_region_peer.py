#!/usr/bin/env python3
"""maillage `plan` beside PySAL spopt's MCLP on one région, on the same
instance: which k bureaux de poste of the mid-2025 La Poste network should
host mediation so that the most people of Bretagne (départements 22, 29, 35,
56) live within 5 km of one? Demand = one point per commune at its centroid,
weighted by its population (maillage's `--model centroid`).

    pip install spopt pulp          # into the Python that runs this script
    MAILLAGE_BIN=target/release/maillage \\
        python/.venv/bin/python benches/peer/plan_region_peer.py [--data DIR] [--keep DIR] [k ...]

k defaults to 50; DIR to ../shared/data. The binary (default
target/release/maillage, built with `--features cli`) is not rebuilt here.

What it does:

1. Writes the instance's inputs into a temporary folder: `C.geojson`, the
   features of communes_2018_simplified.geojson whose `dep` is one of the 4
   départements (same JSON layout), and `P.csv`, the rows of
   laposte_points_contact_2025.csv whose `code_insee` lies in them (the
   original lines, byte for byte: comma-separated, UTF-8, LF).
2. Runs, under `/usr/bin/time -f "%e %M"` (wall seconds, peak RSS in KiB):
   `maillage plan --points P.csv --communes C.geojson --population
   communes_france.csv --model centroid --service mediation --candidates
   bureau_de_poste --add k --out OUT` and reads OUT/plan.json.
3. Runs this script again as a worker (`--spopt-worker`), also under
   `/usr/bin/time`, which reads the same two files and the commune table and
   rebuilds maillage's demand the way maillage does (src/read/communes.rs,
   src/population/mod.rs, src/plan/demand.rs):
   - polygons projected to Lambert-93 (EPSG:2154, maillage's metropolitan
     zone CRS), invalid ones repaired with `make_valid(method="structure")`
     (maillage's even-odd rule), then dissolved by `code_insee_2026`: the
     51 COG 2018 polygons of communes merged since become 21 current ones;
   - each current commune takes its `population` from communes_france.csv
     (COG 2025/2026 `code_insee`); a commune with no row, or a population of
     0, yields no demand point (maillage's rule); non-joins are printed;
   - its demand point is the (area-weighted) centroid of its dissolved
     polygon, in Lambert-93;
   - candidates: the `Bureau de Poste` rows of P.csv, projected the same way;
   - a site reaches a point when their Euclidean distance is <= 5,000 m
     (spopt's `cost_matrix <= service_radius`, maillage's `<= reach`).
   It then builds the dense demand × candidate matrix and solves
   `MCLP.from_cost_matrix(...).solve(pulp.PULP_CBC_CMD(msg=False))`.
4. Checks the two instances are the same: number of demand points, total
   population (plan.json `total_weight`), number of (point, candidate) pairs
   within reach (plan.json `solve.presolve.before.nonzeros`), and the
   population maillage's chosen sites reach when counted on the Python
   instance (must equal plan.json `objective`).

Prints a Markdown table (header + one row per k) for the docs. Exit status:
1 if spopt/CBC proves an optimum above maillage's `upper_bound` (a bug in
maillage's bound); 2 if the two instances differ (the comparison means
nothing then); 0 otherwise. spopt's wall time and peak memory are those of
its whole process (imports, reading, matrix, model, CBC; CBC runs as a child
process and `%M` is the largest RSS of the process tree, not their sum), as
maillage's are of `maillage plan` end to end.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPS = ("22", "29", "35", "56")
REGION = "Bretagne"
REACH_M = 5000.0
LAMBERT93 = 2154


# ── inputs ────────────────────────────────────────────────────────────────

def write_inputs(data: str, tmp: str) -> tuple[str, str]:
    """The commune polygons and points de contact of the 4 départements."""
    with open(f"{data}/communes_2018_simplified.geojson", encoding="utf-8") as f:
        communes = json.load(f)
    communes["features"] = [ft for ft in communes["features"] if ft["properties"]["dep"] in DEPS]
    c_path = os.path.join(tmp, "C.geojson")
    with open(c_path, "w", encoding="utf-8") as f:
        json.dump(communes, f, ensure_ascii=False, separators=(",", ":"))

    with open(f"{data}/laposte_points_contact_2025.csv", encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    header = next(csv.reader([lines[0]]))
    col = header.index("code_insee")
    rows = [line for line in lines[1:] if line]
    # Each record is one line (no quoted newline): checked against a real parser.
    with open(f"{data}/laposte_points_contact_2025.csv", encoding="utf-8", newline="") as f:
        assert sum(1 for _ in csv.reader(f)) == len(rows) + 1, "a record spans several lines"
    kept = [line for line in rows if next(csv.reader([line]))[col][:2] in DEPS]
    p_path = os.path.join(tmp, "P.csv")
    with open(p_path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join([lines[0], *kept]) + "\n")
    print(f"inputs in {tmp}: {len(communes['features'])} commune polygons (COG 2018), "
          f"{len(kept)} points de contact")
    return p_path, c_path


def timed(cmd: list[str], tmp: str, name: str) -> tuple[float, int, subprocess.CompletedProcess]:
    """Runs `cmd` under /usr/bin/time: (wall s, peak RSS MiB, the process)."""
    tfile = os.path.join(tmp, f"{name}.time")
    proc = subprocess.run(["/usr/bin/time", "-o", tfile, "-f", "%e %M", *cmd],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{name} failed with status {proc.returncode}")
    wall, kib = open(tfile).read().split()[-2:]
    return float(wall), round(int(kib) / 1024), proc


# ── the spopt side (run as a separate process) ────────────────────────────

def python_instance(data: str, tmp: str):
    """maillage's demand points and candidates, rebuilt with GeoPandas."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    poly = gpd.read_file(os.path.join(tmp, "C.geojson")).to_crs(LAMBERT93)
    bad = ~poly.geometry.is_valid
    poly.loc[bad, "geometry"] = shapely.make_valid(poly.geometry[bad].values, method="structure",
                                                   keep_collapsed=False)
    n_polygons = len(poly)
    poly = poly.dissolve(by="code_insee_2026").reset_index()
    table = pd.read_csv(f"{data}/communes_france.csv", dtype={"code_insee": str}, low_memory=False)
    pop = table.set_index("code_insee")["population"]
    poly["population"] = poly["code_insee_2026"].map(pop)
    no_row = poly.loc[poly["population"].isna(), "code_insee_2026"].tolist()
    region_rows = table[table["dep"].isin(DEPS)]
    no_polygon = sorted(set(region_rows["code_insee"]) - set(poly["code_insee_2026"]))
    demand = poly[poly["population"].fillna(0) > 0].reset_index(drop=True)
    xy = shapely.get_coordinates(demand.geometry.centroid.values)

    pts = pd.read_csv(os.path.join(tmp, "P.csv"), dtype=str)
    bp = pts[pts["caracteristique_du_site"] == "Bureau de Poste"].reset_index(drop=True)
    cand = gpd.GeoSeries(gpd.points_from_xy(bp["longitude"].astype(float), bp["latitude"].astype(float)),
                         crs="EPSG:4326").to_crs(LAMBERT93)
    cxy = np.column_stack([cand.x.values, cand.y.values])
    return {
        "polygons": n_polygons,
        "communes": len(poly),
        "invalid_repaired": int(bad.sum()),
        "no_row": no_row,
        "no_polygon": [(c, int(pop[c])) for c in no_polygon],
        "zero_population": int((poly["population"] == 0).sum()),
        "region_table_population": int(region_rows["population"].sum()),
        "codes": demand["code_insee_2026"].tolist(),
        "weights": demand["population"].astype(float).to_numpy(),
        "xy": xy,
        "site_ids": bp["identifiant_a"].tolist(),
        "site_xy": cxy,
    }


def spopt_worker(data: str, tmp: str, k: int, out: str) -> None:
    t0 = time.perf_counter()
    import numpy as np
    import pulp
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP

    inst = python_instance(data, tmp)
    t1 = time.perf_counter()
    cost = cdist(inst["xy"], inst["site_xy"])  # dense, metres in Lambert-93
    t2 = time.perf_counter()
    model = MCLP.from_cost_matrix(cost, inst["weights"], service_radius=REACH_M, p_facilities=k,
                                  name=f"mclp_{REGION.lower()}_{k}")
    t3 = time.perf_counter()
    status, objective, chosen = None, None, []
    try:
        model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    except RuntimeError as e:  # spopt raises unless pulp says Optimal
        print(f"spopt: {e}")
    t4 = time.perf_counter()
    status = pulp.LpStatus[model.problem.status]
    sol_status = pulp.constants.LpSolution[model.problem.sol_status]
    if model.problem.status == 1:
        objective = float(model.problem.objective.value())
        chosen = [j for j, v in enumerate(model.fac_vars) if v.value() > 0.5]
    near = cost <= REACH_M
    margin = np.abs(cost - REACH_M).min()
    result = {
        k_: v for k_, v in inst.items() if k_ not in ("weights", "xy", "site_xy", "codes")
    } | {
        "units": len(inst["weights"]),
        "candidates": len(inst["site_ids"]),
        "total_weight": float(inst["weights"].sum()),
        "pairs": int(near.sum()),
        "margin_m": float(margin),
        "status": status,
        "sol_status": sol_status,
        "objective": objective,
        "chosen": [inst["site_ids"][j] for j in chosen],
        "seconds": {"read": t1 - t0, "matrix": t2 - t1, "model": t3 - t2, "solve": t4 - t3},
        # For the main process: the instance, to count maillage's sites on it.
        "weights": inst["weights"].tolist(),
        "near": [np.flatnonzero(row).tolist() for row in near],
    }
    with open(out, "w") as f:
        json.dump(result, f)


# ── the comparison ────────────────────────────────────────────────────────

def reached(spopt: dict, site_ids: list[str]) -> float:
    """Population the sites `site_ids` reach on the Python instance."""
    index = {s: j for j, s in enumerate(spopt["site_ids"])}
    chosen = {index[s] for s in site_ids}
    return sum(w for w, near in zip(spopt["weights"], spopt["near"]) if chosen.intersection(near))


def compare(k: int, data: str, tmp: str, points: str, communes: str, binary: str,
            first: bool) -> tuple[int, str]:
    """Runs both tools for k; returns (exit code, Markdown row)."""
    out = os.path.join(tmp, f"plan{k}")
    m_wall, m_mib, _ = timed(
        [binary, "plan", "--points", points, "--communes", communes,
         "--population", f"{data}/communes_france.csv", "--model", "centroid",
         "--service", "mediation", "--candidates", "bureau_de_poste", "--add", str(k),
         "--out", out],
        tmp, f"maillage{k}")
    with open(os.path.join(out, "plan.json")) as f:
        plan = json.load(f)
    with open(os.path.join(out, "sites.csv"), newline="") as f:
        m_sites = [r["site_id"] for r in csv.DictReader(f)]
    pre = plan["solve"]["presolve"]

    s_json = os.path.join(tmp, f"spopt{k}.json")
    s_wall, s_mib, s_proc = timed(
        [sys.executable, os.path.abspath(__file__), "--spopt-worker", data, tmp, str(k), s_json],
        tmp, f"spopt{k}")
    sys.stdout.write(s_proc.stdout)
    with open(s_json) as f:
        sp = json.load(f)

    if first:
        print(f"Python instance: {sp['polygons']} polygons ({sp['invalid_repaired']} repaired) dissolved "
              f"into {sp['communes']} current communes; {sp['zero_population']} of population 0")
        print(f"  communes without a row in communes_france.csv: {sp['no_row'] or 'none'}")
        print(f"  rows of départements {', '.join(DEPS)} without a polygon: {sp['no_polygon'] or 'none'} "
              f"(their table population {sp['region_table_population']})")
        print(f"  closest (point, candidate) distance to the {REACH_M:.0f} m reach: "
              f"{sp['margin_m']:.3f} m from it")

    py_of_maillage = reached(sp, m_sites)
    checks = [
        ("demand points", plan["total_items"], sp["units"]),
        ("total population", plan["total_weight"], sp["total_weight"]),
        ("candidates", pre["before"]["candidates"], sp["candidates"]),
        ("pairs within reach", pre["before"]["nonzeros"], sp["pairs"]),
        ("population maillage's sites reach", plan["objective"], py_of_maillage),
    ]
    same = True
    print(f"k = {k}: instance check (maillage | Python)")
    for name, ours, theirs in checks:
        ok = abs(float(ours) - float(theirs)) < 0.5
        same &= ok
        print(f"  {name}: {ours:.0f} | {theirs:.0f}  {'same' if ok else 'DIFFER'}")

    bound, gap = plan["upper_bound"], plan["gap"]
    s_opt = sp["objective"]
    proven = sp["status"] == "Optimal" and sp["sol_status"] == "Optimal Solution Found"
    secs = sp["seconds"]
    print(f"  maillage: {plan['objective']:.0f} people, bound {bound:.0f} (gap {100 * gap:.4f} %, "
          f"optimal: {plan['optimal']}; {plan['objective_method']}; {plan['bound_method']}); "
          f"presolve {pre['before']['units']} × {pre['before']['candidates']} → "
          f"{pre['after']['units']} × {pre['after']['candidates']} ({pre['before']['nonzeros']} → "
          f"{pre['after']['nonzeros']} pairs); {plan['seconds']:.3f} s planning, "
          f"{m_wall:.2f} s / {m_mib} MiB end to end")
    print(f"  spopt MCLP + CBC: {s_opt if s_opt is None else f'{s_opt:.0f}'} people, status {sp['status']} "
          f"({sp['sol_status']}); {s_wall:.2f} s / {s_mib} MiB end to end (imports and reading {secs['read']:.2f} s, "
          f"matrix {secs['matrix']:.3f} s, model {secs['model']:.2f} s, CBC {secs['solve']:.2f} s)")
    if s_opt is not None:
        print(f"  spopt's {len(sp['chosen'])} sites reach {reached(sp, sp['chosen']):.0f}; "
              f"maillage's objective is {100 * plan['objective'] / s_opt:.4f} % of the optimum; "
              f"the bound is {100 * (bound - s_opt) / s_opt:.4f} % above it")

    code = 0
    if not same:
        print("  INSTANCES DIFFER: the comparison is void")
        code = 2
    elif proven and s_opt > bound + 0.5:
        print(f"  BUG: CBC proves {s_opt:.0f} > maillage's upper bound {bound:.0f}")
        code = 1
    elif proven and s_opt < plan["objective"] - 0.5:
        print("  INSTANCES DIFFER: maillage's sites reach more than CBC's optimum")
        code = 2

    s_cell = f"{s_opt:,.0f} (optimal)" if proven else f"{s_opt if s_opt is None else f'{s_opt:,.0f}'} ({sp['status']})"
    row = (f"| {REGION} ({', '.join(DEPS)}) | {k} | {pre['before']['units']:,} × {pre['before']['candidates']} "
           f"| {pre['after']['units']} × {pre['after']['candidates']} | {plan['objective']:,.0f} "
           f"| {bound:,.0f} ({100 * gap:.3f} %) | {m_wall:.2f} s, {m_mib} MiB "
           f"| {s_cell} | {s_wall:.1f} s, {s_mib} MiB |")
    return code, row


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--spopt-worker":
        data, tmp, k, out = sys.argv[2:6]
        spopt_worker(data, tmp, int(k), out)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("k", nargs="*", type=int, default=[50], help="sites to add (default 50)")
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--keep", help="write the inputs and outputs here instead of a temporary folder")
    args = ap.parse_args()
    data = os.path.abspath(args.data)
    binary = os.environ.get("MAILLAGE_BIN", os.path.join(ROOT, "target", "release", "maillage"))
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(binary)))
    print(f"maillage: {binary} ({version or 'no --version'}, built {built})")
    with tempfile.TemporaryDirectory(prefix="plan_region_peer_") as scratch:
        tmp = os.path.abspath(args.keep) if args.keep else scratch
        os.makedirs(tmp, exist_ok=True)
        points, communes = write_inputs(data, tmp)
        results = [compare(k, data, tmp, points, communes, binary, first=n == 0)
                   for n, k in enumerate(args.k)]
    print()
    print("| région | k | demand × candidates | after presolve | maillage reach | maillage bound (gap) "
          "| maillage time, peak RSS | spopt/CBC reach | spopt time, peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for _, row in results:
        print(row)
    return max(code for code, _ in results)


if __name__ == "__main__":
    sys.exit(main())
