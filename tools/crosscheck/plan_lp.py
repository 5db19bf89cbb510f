#!/usr/bin/env python3
"""The LP relaxation of a maillage plan's model, solved by HiGHS: an
independent check of maillage's certified bound.

    cargo run --release --example plan_model [K] [OUT.lp]
    python3 tools/crosscheck/plan_lp.py out/plan_model.lp out/plan_model.json

The LP file is the presolved instance the plan solved (`Plan::presolved`,
written by `maillage::plan::write_lp`). Any feasible plan reaches at most the
LP optimum, and a Lagrangian bound of the coverage constraints is at least the
LP optimum, so the check is: objective <= LP optimum <= maillage's bound
(within 1e-6; the LP optimum rounded down when maillage rounded its bound
down for whole weights). Needs `pip install highspy`.
"""
import json
import sys
import time

import highspy


def main() -> int:
    lp_path, summary_path = sys.argv[1], sys.argv[2]
    summary = json.load(open(summary_path))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "simplex")
    t = time.perf_counter()
    if h.readModel(lp_path) != highspy.HighsStatus.kOk:
        print(f"cannot read {lp_path}")
        return 2
    lp = h.getLp()
    h.changeColsIntegrality(
        lp.num_col_, list(range(lp.num_col_)), [highspy.HighsVarType.kContinuous] * lp.num_col_
    )
    h.run()
    status = h.getModelStatus()
    value = h.getInfo().objective_function_value
    seconds = time.perf_counter() - t
    print(f"{lp_path}: {lp.num_row_} rows, {lp.num_col_} columns")
    print(f"HiGHS LP relaxation: {value:.3f} ({h.modelStatusToString(status)}, {seconds:.1f} s)")
    objective, bound = summary["objective"], summary["upper_bound"]
    print(f"maillage: objective {objective:.0f}, bound {bound:.3f}")
    tol = 1e-6 * max(1.0, abs(value))
    # maillage rounds its bound down when every weight is whole (so is every
    # objective): then the LP optimum rounded down must not exceed it.
    lp_bound = value if bound != int(bound) else int(value + tol)
    ok = status == highspy.HighsModelStatus.kOptimal and objective <= value + tol and lp_bound <= bound + tol
    print(
        f"objective {objective:.0f} <= LP {value:.0f} <= bound {bound:.0f}: {'yes' if ok else 'NO'}; "
        f"maillage's bound is {100 * (bound - value) / value:.3f} % above the LP optimum"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
