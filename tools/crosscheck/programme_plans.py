#!/usr/bin/env python3
"""Independent figures for the guide's two planning decisions of issue 22:

3. which ~800 bureaux de poste host mediation so that the most QPV (2024
   list) have it within 500 m, the 15 mediation hosts known from open data
   being existing sites: the QPV that any bureau de poste or known host can
   reach at all, and the QPV the plans' sites reach (k = 785, 886, 887);
4. where 35 Points Poste ESS go, as new points de contact, for QPV (500 m)
   and communes classified FRR or FRR+ (5 km of their boundary), with a
   priority per QPV: the QPV and FRR communes the network reaches before,
   and with the plans' 35 sites after.

No maillage code: the hosts are derived again by `programme_decisions.py`
(same folder: pandas and Python `re`, no maillage), distances are planar in
each zone's official CRS (Lambert-93 for metropolitan France and Corsica,
5490 Antilles, 2972 Guyane, 2975 La Réunion, 4471 Mayotte), polygons
repaired by Shapely's `make_valid(method="structure")`, communes the 2018
polygons dissolved by their 2026 code.

    /tmp/venv-dec/bin/python tools/crosscheck/programme_plans.py ../shared/data out/decisions

`out/decisions` holds the guide's runs: `programmes/`, `plan_mediation/`,
`plan_mediation_886/`, `plan_mediation_887/`, `ppe_1/`, `ppe_5/`, `ppe_29/`
(the folders present are checked). Exits non-zero when a figure differs.
"""
import json
import os
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import programme_decisions as pd_  # noqa: E402

check, frame, EPSG_OF_DEP = pd_.check, pd_.frame, pd_.EPSG_OF_DEP


def served(qpv_parts, sites):
    reach = pd_.qpv_reach(qpv_parts, sites)
    return set(reach.index[reach["within"] > 0])


def plan_sites(run, name):
    path = f"{run}/{name}/sites.csv"
    if not os.path.exists(path):
        return None, None
    sites = pd.read_csv(path, dtype={"site_id": str, "departement": str})
    return sites, json.load(open(f"{run}/{name}/plan.json"))


def load_frr(data):
    communes = gpd.read_file(f"{data}/communes_2018_simplified.geojson")
    communes = communes[["code_insee_2026", "geometry"]].dissolve(by="code_insee_2026", as_index=False)
    frr = pd.read_csv(f"{data}/frr_communes.csv", dtype=str)
    frr = set(frr.loc[frr["classee_frr"] == "1", "code_insee"])
    communes = communes[communes["code_insee_2026"].isin(frr)].copy()
    communes["epsg"] = communes["code_insee_2026"].str[:3].map(EPSG_OF_DEP).fillna(2154).astype(int)
    parts = []
    for epsg, g in communes.groupby("epsg"):
        g = g.to_crs(int(epsg))
        bad = ~g.geometry.is_valid
        g.loc[bad, "geometry"] = shapely.make_valid(g.geometry[bad].values, method="structure",
                                                    keep_collapsed=False)
        parts.append((int(epsg), g))
    print(f"FRR communes with a polygon: {sum(len(g) for _, g in parts)} (of {len(frr)} classified)")
    return parts


def frr_reached(parts, sites, metres=5000.0):
    out = set()
    for epsg, g in parts:
        zs = sites[sites["epsg"] == epsg].to_crs(epsg)
        if len(zs) == 0:
            continue
        hit = zs.sindex.query(g.geometry, predicate="dwithin", distance=metres)
        out |= set(g["code_insee_2026"].iloc[np.unique(hit[0])])
    return out


def main(data, run):
    pts = pd_.load_points(data)
    lieux, fs = pd_.load_lieux(data), pd_.load_fs(data)
    _, mediation = pd_.derive_hosts(pts, lieux, fs)
    qpv = pd_.load_qpv(data)
    n_qpv = sum(len(g) for _, g in qpv)

    print("── question 3: mediation in ~800 bureaux de poste, the known hosts as existing sites")
    hosts = pts[pts["id"].isin(mediation)]
    bureaux = pts[pts["caracteristique_du_site"] == "Bureau de Poste"]
    print(f"{len(bureaux)} bureaux de poste, {len(hosts)} known mediation hosts "
          f"({int(hosts['id'].isin(bureaux['id']).sum())} of them bureaux)")
    before = served(qpv, hosts)
    check(f"the known hosts reach {len(before)} QPV within 500 m (the plans' base: 14)", len(before) == 14)
    reachable = served(qpv, pd.concat([bureaux, hosts]).drop_duplicates("id"))
    check(f"any bureau de poste or known host reaches {len(reachable)} of {n_qpv} QPV "
          f"(the most any plan can reach: 1053)", len(reachable) == 1053)
    for name, k, expect in [("plan_mediation", 785, 951), ("plan_mediation_886", 886, 1052),
                            ("plan_mediation_887", 887, 1053)]:
        sites, plan = plan_sites(run, name)
        if sites is None:
            print(f"  (no {run}/{name}: not checked)")
            continue
        chosen = pts[pts["id"].isin(set(sites["site_id"]))]
        ok_kind = (chosen["caracteristique_du_site"] == "Bureau de Poste").all()
        check(f"{name}: {len(sites)} sites, all bureaux de poste, none a known host",
              len(sites) == k == len(chosen) and ok_kind and not chosen["id"].isin(mediation).any())
        reached = served(qpv, pd.concat([hosts, chosen]))
        check(f"{name}: the known hosts and the {k} offices reach {len(reached)} QPV "
              f"(plan.json objective {plan['objective']:.0f}, guide {expect})",
              len(reached) == expect == plan["objective"])

    print("── question 4: 35 Points Poste ESS as new points de contact, QPV and FRR communes")
    frr = load_frr(data)
    qpv_now = served(qpv, pts)
    frr_now = frr_reached(frr, pts)
    check(f"the network reaches {len(qpv_now)} QPV (1236) and {len(frr_now)} FRR communes (17424)",
          (len(qpv_now), len(frr_now)) == (1236, 17424))
    table = pd.read_csv(f"{data}/communes_france.csv", dtype=str).set_index("code_insee")
    pop = table["population"].astype(float)
    all_frr = set().union(*(set(g["code_insee_2026"]) for _, g in frr))
    left = sorted(all_frr - frr_now)
    mean_left = pop.reindex(left).mean()
    q15 = gpd.read_file(f"{data}/qpv_2015_occitanie.geojson")["pop_mun"].astype(float)
    print(f"  the {len(left)} FRR communes beyond 5 km: {pop.reindex(left).sum():.0f} people, "
          f"{mean_left:.0f} on average; a QPV of 2015 in Occitanie: {q15.mean():.0f} on average "
          f"({len(q15)} QPV): one QPV weighs as many people as {q15.mean() / mean_left:.0f} such communes")
    check("priority 29 is that ratio", round(q15.mean() / mean_left) == 29)
    for p, expect in [(1, (1236, 17617)), (5, (1274, 17518)), (29, (1285, 17427))]:
        sites, plan = plan_sites(run, f"ppe_{p}")
        if sites is None:
            print(f"  (no {run}/ppe_{p}: not checked)")
            continue
        new = frame(sites, sites["lon"].astype(float), sites["lat"].astype(float))
        new["id"] = new["site_id"]
        both = pd.concat([pts[["id", "epsg", "geometry"]], new[["id", "epsg", "geometry"]]])
        both = gpd.GeoDataFrame(both, geometry="geometry", crs="EPSG:4326")
        q, f = served(qpv, both), frr_reached(frr, both)
        parts = {x["kind"]: x["reached_weight"] for x in plan["parts"]}
        near_qpv = served(qpv, new) - qpv_now
        print(f"    FRR communes newly reached: {len(f - frr_now)}, "
              f"{pop.reindex(sorted(f - frr_now)).sum():.0f} people")
        check(f"priority {p}: with the 35 sites, {len(q)} QPV and {len(f)} FRR communes "
              f"(plan.json parts {parts}); {len(near_qpv)} QPV newly reached",
              (len(q), len(f)) == expect == (parts.get("qpv"), parts.get("frr")))
        new_q = [s for s in new.index if len(served(qpv, new.loc[[s]]) - qpv_now) > 0]
        print(f"    sites reaching a QPV not reached before: {len(new_q)} of {len(new)}; "
              f"départements {sites['departement'].value_counts().head(8).to_dict()}")
    if pd_.FAILED:
        print(f"{len(pd_.FAILED)} difference(s)")
        return 1
    print("every figure agrees")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
