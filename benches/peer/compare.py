#!/usr/bin/env python3
"""Runs maillage and the GeoPandas peer on the same machine, in one go; checks
that their figures agree and prints the ratios.

    bash benches/peer/install.sh          # once
    python3 benches/peer/compare.py [DATA_DIR]

Builds the release examples, then runs, in this order: maillage's
`national_run` (timed end to end as a process; five runs on one thread, then
five on every core, medians kept), maillage's
`nearest_throughput` (which writes the 1M cells it measured), Shapely's
STRtree.query_nearest on those same cells and points (one thread), and the
GeoPandas national run (`national_peer.py`). Exits non-zero if a figure disagrees.
"""
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, os.path.dirname(__file__))
import national_peer  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUNS = 5


def main() -> int:
    data = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data"))
    env = dict(os.environ, MAILLAGE_DATA=data)
    out = os.path.join(ROOT, "out", "peer")
    os.makedirs(out, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--example", "national_run", "--example", "nearest_throughput"], cwd=ROOT, check=True)

    # maillage's run takes about a second, so machine noise (page faults,
    # huge-page compaction) weighs on one run: the median of RUNS runs is
    # used, and each is printed. The same with one thread, for the scaling.
    exe = os.path.join(ROOT, "target/release/examples/national_run")

    def timed(threads: int) -> list:
        runs = []
        for _ in range(RUNS):
            t = time.perf_counter()
            run = subprocess.run([exe], cwd=ROOT, env=dict(env, RAYON_NUM_THREADS=str(threads)),
                                 check=True, capture_output=True, text=True)
            runs.append((time.perf_counter() - t, run))
        return runs

    one_thread = sorted(t for t, _ in timed(1))
    runs = timed(os.cpu_count() or 2)
    rust_times = [t for t, _ in runs]
    rust_total = sorted(rust_times)[RUNS // 2]
    rust = next(run for t, run in runs if t == rust_total)
    print(rust.stdout)
    near = subprocess.run([os.path.join(ROOT, "target/release/examples/nearest_throughput")], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    rates = dict(line.split(": ") for line in near.stdout.strip().splitlines())

    cells = pd.read_csv(os.path.join(out, "cells.csv"))
    pts = pd.read_csv(os.path.join(out, "points.csv"))
    ours = pd.read_csv(os.path.join(out, "distances.csv"))["d"].to_numpy()
    tree = shapely.STRtree(shapely.points(pts["x"].to_numpy(), pts["y"].to_numpy()))
    geoms = shapely.points(cells["x"].to_numpy(), cells["y"].to_numpy())
    t = time.perf_counter()
    idx, dist = tree.query_nearest(geoms, return_distance=True, all_matches=False)
    shapely_rate = len(cells) / (time.perf_counter() - t)
    d = np.full(len(cells), np.inf)
    d[idx[0]] = dist
    nearest_diff = float(np.max(np.abs(d - ours)))

    t = time.perf_counter()
    peer = national_peer.run(data, out)
    peer_total = time.perf_counter() - t
    peak_python_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    deps_rust = pd.read_csv(os.path.join(ROOT, "out", "national", "departements.csv"), dtype={"dep": str}).set_index("dep")
    deps_peer = peer["departements"]
    diff_beyond = max(abs(deps_rust.loc[dep, "share_beyond"] - row["share_beyond"]) for dep, row in deps_peer.iterrows()) * 100
    diff_decree = max(abs(deps_rust.loc[dep, "share_within_decree"] - row["share_within_decree"]) for dep, row in deps_peer.iterrows()) * 100
    cov = peer["coverage"]
    rust_cov = pd.read_csv(os.path.join(ROOT, "out", "national", "communes_coverage.csv"), dtype={"territory_id": str})
    merged = rust_cov.merge(cov, left_on=["territory_id", "service"], right_on=["id", "service"])
    served_mismatch = int((merged["served_x"] != merged["served_y"]).sum())
    nearest_cov_diff = float((merged["nearest_m_x"] - merged["nearest_m_y"]).abs().max())

    print("── agreement")
    print(f"nearest distance of the 1M cells: max |maillage − Shapely| = {nearest_diff:.3e} m")
    print(f"communes × (postal, France Services): {len(merged)} rows compared, {served_mismatch} served flags differ, max |nearest_m diff| = {nearest_cov_diff:.3f} m")
    print(f"per-département share beyond 5 km: largest difference {diff_beyond:.4f} pp; within 10 km: {diff_decree:.4f} pp")
    print(f"grid cells: maillage {deps_rust.loc['FR', 'population']:.0f} inhabitants; GeoPandas {deps_peer['population'].sum():.0f} inhabitants in {peer['cells']} cells")
    print("── speed (same machine, same run)")
    shapely_rate_m = shapely_rate / 1e6
    for key, value in rates.items():
        if key.endswith("_per_s"):
            print(f"nearest {key[:-6]}: {float(value) / 1e6:.2f} M queries/s = {float(value) / shapely_rate:.1f}× Shapely STRtree.query_nearest ({shapely_rate_m:.2f} M/s, 1 thread)")
    print(f"national run: maillage {rust_total:.2f} s (process, all outputs; median of {RUNS}: "
          f"{', '.join(f'{t:.2f}' for t in rust_times)}) vs GeoPandas {peer_total:.2f} s: {peer_total / rust_total:.1f}× faster")
    print(f"threads: 1 → {os.cpu_count()}: {one_thread[RUNS // 2]:.2f} s → {rust_total:.2f} s (medians of {RUNS}), "
          f"{one_thread[RUNS // 2] / rust_total:.2f}×")
    for line in rust.stdout.splitlines():
        if line.startswith("peak memory"):
            print(f"maillage {line}; GeoPandas peak memory: {peak_python_mib:.0f} MiB")
    ok = nearest_diff < 1e-6 and diff_beyond < 0.1 and diff_decree < 0.1 and served_mismatch == 0
    print("figures agree" if ok else "FIGURES DISAGREE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
