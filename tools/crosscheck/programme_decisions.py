#!/usr/bin/env python3
"""Independent figures for the guide's two programme decisions (issue 21):

1. where the remaining digital-inclusion offices go, given the known ones:
   the QPV of the 2024 list reached within 500 m by the known hosts ("before")
   and by the known hosts plus the bureaux de poste a plan chose ("after");
2. which QPV lack mediation within 500 m: served and unserved, by
   département, with the La Poste hosts alone and with the mediation
   partners' own sites.

No maillage code. The hosts are derived again from the open files with
pandas and the rules of `src/programmes/rules.txt` rewritten here in Python
`re` (Unicode `\\b`, IGNORECASE): digital inclusion, a lieu whose SIRET
(`pivot`) starts with La Poste's SIREN 356000000 or whose name has the word
`poste`/`laposte`, matched to its nearest point de contact within 300 m;
mediation, a point de contact whose label names a Pimms or "médiation", or
the nearest point de contact within 50 m of a mediation partner (a lieu or a
France Services whose name says Pimms or médiation, not "médiation
numérique"). The derived sets are compared with maillage's programmes.csv.

Distances are planar in each zone's official CRS, chosen here from the
département code (Lambert-93 EPSG:2154 for metropolitan France and Corsica,
5490 Antilles, 2972 Guyane, 2975 La Réunion, 4471 Mayotte), as METHOD.md
says maillage does; points take their zone from lon/lat boxes. The 88 QPV of
French Polynesia lie in no zone and are left out. Invalid polygons are
repaired with `shapely.make_valid(method="structure", keep_collapsed=False)`.
A QPV is served when a site lies within 500 m of its polygon (inside
included).

    python3 -m venv /tmp/venv-dec && /tmp/venv-dec/bin/pip install geopandas shapely pyproj pandas
    /tmp/venv-dec/bin/python tools/crosscheck/programme_decisions.py ../shared/data out/decisions

`out/decisions` is the folder of the guide's runs (the section "Programme
decisions"): `programmes/programmes.csv`, the coverage runs
`mediation_hosts/` (postal and mediation), `mediation_all/`,
`digital_before/`, `digital_after/`, the comparison `digital_change/` and
the plans `plan_digital/` and `plan_digital_pop_centroid/`. Every run
present is compared QPV by QPV (served flag, points within 500 m, nearest
distance within 1 m), the plans' counts and the population variant's
before and after (communes at the centroid of their 2018 polygons dissolved
by 2026 code, within 5 km); the script exits non-zero when a figure
differs.
"""
import json
import os
import re
import sys
import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

LA_POSTE_SIREN = "356000000"
HOST_NAME = re.compile(r"\b(la\s*)?poste\b", re.I)
MEDIATION_LABEL = [re.compile(r"\bpimms\b", re.I), re.compile(r"\bm[eé]diation\b", re.I)]
MEDIATION_PARTNER = [re.compile(r"\bpimms\b", re.I), re.compile(r"m[eé]diation", re.I)]
MEDIATION_EXCLUDE = [re.compile(r"m[eé]diation\s+num[eé]rique", re.I)]
DIGITAL_M, MEDIATION_M, QPV_M = 300.0, 50.0, 500.0

EPSG_OF_DEP = {"971": 5490, "972": 5490, "977": 5490, "978": 5490,
               "973": 2972, "974": 2975, "976": 4471, "975": 4467}
# lon/lat boxes of the zones, for points (maillage uses boxes and a land outline).
BOXES = [(2154, -5.5, 41.2, 10.0, 51.2), (5490, -63.3, 14.3, -60.7, 18.2),
         (2972, -54.7, 2.0, -51.5, 6.0), (2975, 55.1, -21.5, 55.9, -20.8),
         (4471, 44.9, -13.1, 45.4, -12.5), (4467, -56.5, 46.7, -56.0, 47.2)]
FAILED = []


def check(what, ok):
    print(f"  [{'ok' if ok else 'DIFF'}] {what}")
    if not ok:
        FAILED.append(what)


def zone_of(lon, lat):
    out = np.zeros(len(lon), dtype=int)
    for epsg, x0, y0, x1, y1 in BOXES:
        out[(lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1) & (out == 0)] = epsg
    return out


def frame(df, lon, lat):
    g = gpd.GeoDataFrame(df.copy(), geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    g["epsg"] = zone_of(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return g


def load_points(data):
    pts = pd.read_csv(f"{data}/laposte_points_contact_2025.csv", dtype=str)
    pts = pts[pts["pays"] == "FRANCE"].reset_index(drop=True)
    lat, lon = pts["latitude"].astype(float), pts["longitude"].astype(float)
    swapped = (lat.abs() < 10) & (lon > 40)  # site 06086A
    lat, lon = lat.where(~swapped, lon), lon.where(~swapped, lat)
    pts = frame(pts.rename(columns={"identifiant_a": "id"}), lon, lat)
    print(f"points de contact: {len(pts)} in France ({int(swapped.sum())} swapped pair repaired), "
          f"{int((pts['epsg'] == 0).sum())} in no zone box")
    return pts


def load_lieux(data):
    lieux = pd.read_csv(f"{data}/conseillers_numeriques_lieux_2022.csv", dtype=str)
    lieux = lieux[lieux["latitude"].notna() & lieux["longitude"].notna()].reset_index(drop=True)
    lieux["id"] = "lieu:" + lieux["id"]
    return frame(lieux, lieux["longitude"].astype(float), lieux["latitude"].astype(float))


def load_fs(data):
    fs = pd.read_csv(f"{data}/france_services_2024-08.csv", dtype=str)
    fs["id"] = "fs:" + fs["id_fs"]
    fs["nom"] = fs["lib_fs"]
    return frame(fs, fs["longitude"].astype(float), fs["latitude"].astype(float))


def nearest_within(partners, pts, radius):
    """For each partner, the nearest point de contact of its zone within radius (ties by id)."""
    out = {}
    for epsg, group in partners.groupby("epsg"):
        if epsg == 0:
            continue
        zp = pts[pts["epsg"] == epsg].to_crs(epsg)
        gp = group.to_crs(epsg)
        xy = np.column_stack([zp.geometry.x, zp.geometry.y])
        for pid, geom in zip(gp["id"], gp.geometry):
            d = np.hypot(xy[:, 0] - geom.x, xy[:, 1] - geom.y)
            near = np.nonzero(d <= radius)[0]
            if len(near):
                best = min(near, key=lambda i: (d[i], zp["id"].iat[i]))
                out[pid] = (zp["id"].iat[best], d[best])
    return out


def mediation_partner(text):
    text = text or ""
    return any(p.search(text) for p in MEDIATION_PARTNER) and not any(p.search(text) for p in MEDIATION_EXCLUDE)


def mediation_structure(name):
    """The lieux reader's rule for a lieu that offers mediation itself (words, accents folded)."""
    key = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", key) if w]
    pairs = zip(words, words[1:])
    return "pimms" in words or any(a == "mediation" and b != "numerique" for a, b in pairs) \
        or (words and words[-1] == "mediation")


def derive_hosts(pts, lieux, fs):
    print("── hosts derived from the open files")
    hosted = lieux[lieux["pivot"].fillna("").str.replace(" ", "").str.startswith(LA_POSTE_SIREN)
                   | lieux["nom"].fillna("").map(lambda n: bool(HOST_NAME.search(n)))]
    digital = nearest_within(hosted, pts, DIGITAL_M)
    digital_sites = set(s for s, _ in digital.values())
    print(f"digital inclusion: {len(hosted)} lieux hosted by La Poste, {len(digital)} matched "
          f"within {DIGITAL_M:.0f} m, {len(digital_sites)} points de contact")
    labels = set(pts.loc[pts["libelle_du_site"].fillna("").map(
        lambda n: any(p.search(n) for p in MEDIATION_LABEL)), "id"])
    partners = pd.concat([lieux[["id", "nom", "epsg", "geometry"]], fs[["id", "nom", "epsg", "geometry"]]])
    partners = gpd.GeoDataFrame(partners, geometry="geometry", crs="EPSG:4326")
    partners = partners[partners["nom"].map(mediation_partner)]
    colocated = nearest_within(partners, pts, MEDIATION_M)
    med_sites = labels | set(s for s, _ in colocated.values())
    print(f"mediation: {len(labels)} points de contact by label; {len(partners)} mediation partners "
          f"({int(partners['id'].str.startswith('lieu:').sum())} lieux, "
          f"{int(partners['id'].str.startswith('fs:').sum())} France Services), {len(colocated)} "
          f"within {MEDIATION_M:.0f} m of a point de contact; {len(med_sites)} points de contact in all")
    return digital_sites, med_sites


def load_qpv(data):
    qpv = gpd.read_file(f"{data}/qpv_2024_national.geojson")
    qpv["epsg"] = qpv["code_departement"].map(lambda d: None if d.startswith("98") else EPSG_OF_DEP.get(d, 2154))
    print(f"QPV: {len(qpv)}, {int(qpv['epsg'].isna().sum())} outside La Poste's zones (left out)")
    parts = []
    for epsg, group in qpv.dropna(subset=["epsg"]).groupby("epsg"):
        g = group.to_crs(int(epsg))
        bad = ~g.geometry.is_valid
        g.loc[bad, "geometry"] = shapely.make_valid(g.geometry[bad].values, method="structure",
                                                    keep_collapsed=False)
        parts.append((int(epsg), g))
    return parts


def qpv_reach(qpv_parts, sites):
    """Per QPV: sites within 500 m, nearest distance. `sites` is a GeoDataFrame of points."""
    rows = []
    for epsg, g in qpv_parts:
        zs = sites[sites["epsg"] == epsg].to_crs(epsg)
        if len(zs) == 0:
            rows += [(c, d, 0, np.nan) for c, d in zip(g["code_qp"], g["code_departement"])]
            continue
        idx, dist = zs.sindex.nearest(g.geometry, return_distance=True)
        nearest = pd.Series(dist, index=idx[0]).groupby(level=0).min()
        pairs = zs.sindex.query(g.geometry, predicate="dwithin", distance=QPV_M)
        within = pd.Series(1, index=pairs[0]).groupby(level=0).sum()
        for i, (code, dep) in enumerate(zip(g["code_qp"], g["code_departement"])):
            rows.append((code, dep, int(within.get(i, 0)), float(nearest.get(i, np.nan))))
    return pd.DataFrame(rows, columns=["code_qp", "dep", "within", "nearest"]).set_index("code_qp")


def summary(name, reach):
    served = int((reach["within"] > 0).sum())
    print(f"{name}: {len(reach)} QPV, {served} served, {len(reach) - served} unserved within 500 m")
    return served


def by_departement(reach, top=10):
    t = reach.assign(served=reach["within"] > 0).groupby("dep")["served"].agg(["size", "sum"])
    t = t.rename(columns={"size": "qpv", "sum": "served"})
    t["unserved"] = t["qpv"] - t["served"]
    t = t.reset_index().sort_values(["unserved", "qpv", "dep"], ascending=[False, False, True]).set_index("dep")
    for dep, r in t.head(top).iterrows():
        print(f"    {dep:>3}: {r.qpv} QPV, {r.served} served, {r.unserved} unserved")
    if len(t) > top:
        last = t["unserved"].iloc[top - 1]
        ties = [d for d in t.index[top:] if t.loc[d, "unserved"] == last]
        if ties:
            print(f"    (also {last} unserved: {', '.join(ties)})")
    return t


def compare_run(run_dir, service, reach, label):
    path = f"{run_dir}/coverage.csv"
    if not os.path.exists(path):
        print(f"  (no {path}: not compared)")
        return
    ours = pd.read_csv(path, dtype={"territory_id": str, "departement": str})
    ours = ours[ours["service"] == service].set_index("territory_id")
    check(f"{label}: same QPV ({len(ours)} in maillage's run)", set(ours.index) == set(reach.index))
    both = reach.join(ours, how="inner")
    same_served = (both["served"].astype(str).str.lower() == "true") == (both["within"] > 0)
    same_within = both["points_within_radius"] == both["within"]
    dist = (both["nearest_m"] - both["nearest"]).abs()
    close = dist.fillna(0) <= 1.0
    check(f"{label}: served flag of every QPV", bool(same_served.all()))
    check(f"{label}: sites within 500 m of every QPV", bool(same_within.all()))
    check(f"{label}: nearest distance within 1 m (max diff {dist.max():.3f} m)", bool(close.all()))
    for code in both.index[~(same_served & same_within & close)][:10]:
        r = both.loc[code]
        print(f"    {code}: maillage within {r.points_within_radius} nearest {r.nearest_m}, "
              f"here within {r.within} nearest {r.nearest:.2f}")


def population_reach(data, pts, digital, run):
    """The population variant of question 1: commune populations at the centroids
    of the 2018 polygons dissolved by their 2026 code, reached within 5 km."""
    plan_json = f"{run}/plan_digital_pop_centroid/plan.json"
    if not os.path.exists(plan_json):
        print(f"  (no {plan_json}: population variant not checked)")
        return
    print("── question 1, population variant: people within 5 km of their commune's centroid")
    communes = gpd.read_file(f"{data}/communes_2018_simplified.geojson")
    communes = communes[["code_insee_2026", "geometry"]].dissolve(by="code_insee_2026", as_index=False)
    table = pd.read_csv(f"{data}/communes_france.csv", dtype=str)
    communes = communes.merge(table[["code_insee", "population"]], left_on="code_insee_2026", right_on="code_insee")
    communes["population"] = communes["population"].astype(float)
    code = communes["code_insee_2026"]
    communes["epsg"] = code.str[:3].map(EPSG_OF_DEP).fillna(2154).astype(int)
    total = communes["population"].sum()
    print(f"communes with a polygon: {len(communes)}, population {total:.0f}")
    chosen = set(pd.read_csv(f"{run}/plan_digital_pop_centroid/sites.csv", dtype=str)["site_id"])
    theirs = json.load(open(plan_json))
    for name, ids, key in [("before", digital, "base_objective"), ("after", digital | chosen, "objective")]:
        reached = 0.0
        for epsg, group in communes.groupby("epsg"):
            zs = pts[(pts["epsg"] == epsg) & pts["id"].isin(ids)].to_crs(epsg)
            if len(zs) == 0:
                continue
            cent = group.to_crs(epsg).geometry.centroid
            pairs = zs.sindex.query(cent, predicate="dwithin", distance=5000.0)
            hit = np.unique(pairs[0])
            reached += group["population"].iloc[hit].sum()
        check(f"{name}: {reached:.0f} people within 5 km ({100 * reached / total:.2f} %), "
              f"plan.json {key} {theirs[key]:.0f}", abs(reached - theirs[key]) < 0.5)


def main(data, run):
    pts = load_points(data)
    lieux, fs = load_lieux(data), load_fs(data)
    digital, mediation = derive_hosts(pts, lieux, fs)

    prog = f"{run}/programmes/programmes.csv"
    if os.path.exists(prog):
        theirs = pd.read_csv(prog, dtype=str)
        for service, ours in [("digital_inclusion", digital), ("mediation", mediation)]:
            t = set(theirs.loc[theirs["service"] == service, "site_id"])
            check(f"{service}: the {len(ours)} hosts derived here are programmes.csv's {len(t)}", t == ours)
            for s in sorted(t ^ ours)[:10]:
                print(f"    {s}: {'maillage only' if s in t else 'here only'}")

    qpv = load_qpv(data)
    print("── question 2: QPV with mediation within 500 m")
    hosts = pts[pts["id"].isin(mediation)]
    reach_hosts = qpv_reach(qpv, hosts)
    summary(f"the {len(hosts)} La Poste mediation hosts", reach_hosts)
    by_departement(reach_hosts)
    nosite = reach_hosts["nearest"].isna()
    print(f"  of the unserved, {int(nosite.sum())} lie in a zone with no mediation host at all: "
          f"{reach_hosts.loc[nosite, 'dep'].value_counts().to_dict()}")
    compare_run(f"{run}/mediation_hosts", "mediation", reach_hosts, "mediation, hosts")
    postal = qpv_reach(qpv, pts)
    summary("every point de contact (postal)", postal)
    print("  no point de contact within 500 m, so no La Poste mediation either, by département (top 10):")
    by_departement(postal)
    check("the QPV without a point de contact within 500 m lack a mediation host too",
          bool((reach_hosts.loc[postal["within"] == 0, "within"] == 0).all()))
    compare_run(f"{run}/mediation_hosts", "postal", postal, "postal")
    own = lieux[lieux["nom"].map(mediation_structure)]
    allmed = gpd.GeoDataFrame(pd.concat([hosts[["id", "epsg", "geometry"]], own[["id", "epsg", "geometry"]]]),
                              geometry="geometry", crs="EPSG:4326")
    reach_all = qpv_reach(qpv, allmed)
    summary(f"the hosts and the {len(own)} mediation lieux ({len(allmed)} sites)", reach_all)
    print(f"  of the {int((postal['within'] == 0).sum())} QPV without a point de contact within 500 m, "
          f"{int(((postal['within'] == 0) & (reach_all['within'] > 0)).sum())} have a mediation lieu within 500 m")
    table = pd.DataFrame({"dep": reach_hosts["dep"], "hosts": reach_hosts["within"] > 0,
                          "all": reach_all["within"] > 0, "no_office": postal["within"] == 0})
    table = table.groupby("dep").agg(qpv=("hosts", "size"), hosts=("hosts", "sum"), all=("all", "sum"),
                                     no_office=("no_office", "sum"))
    table["unserved"] = table["qpv"] - table["hosts"]
    table = table.reset_index()
    top = set(table.sort_values(["unserved", "qpv", "dep"], ascending=[False, False, True])["dep"].head(11))
    top |= set(table.sort_values(["no_office", "qpv", "dep"], ascending=[False, False, True])["dep"].head(10))
    print("  by département (the guide's table): QPV, served by the hosts, by hosts and lieux, "
          "unserved by the hosts, without a point de contact within 500 m")
    for _, r in table[table["dep"].isin(top)].sort_values(["unserved", "qpv"], ascending=False).iterrows():
        print(f"    {r.dep:>3}: {r.qpv} {r.hosts} {r['all']} {r.unserved} {r.no_office}")
    served = table[table["hosts"] > 0].set_index("dep")["hosts"].to_dict()
    print(f"  départements of the QPV served by a host: {served}")
    by_departement(reach_all)
    compare_run(f"{run}/mediation_all", "mediation", reach_all, "mediation, hosts and partners")

    print("── question 1: QPV with a digital-inclusion office within 500 m")
    before = qpv_reach(qpv, pts[pts["id"].isin(digital)])
    summary(f"before: the {len(digital)} known hosts", before)
    compare_run(f"{run}/digital_before", "digital_inclusion", before, "digital inclusion, before")
    sites_csv = f"{run}/plan_digital/sites.csv"
    if os.path.exists(sites_csv):
        chosen = pd.read_csv(sites_csv, dtype=str)
        new = set(chosen["site_id"])
        check(f"the {len(new)} planned sites are bureaux de poste that are not known hosts",
              not (new & digital) and set(pts.loc[pts["id"].isin(new), "caracteristique_du_site"]) == {"Bureau de Poste"})
        after = qpv_reach(qpv, pts[pts["id"].isin(digital | new)])
        served = summary(f"after: the known hosts and the {len(new)} planned", after)
        last = int(chosen["covered"].astype(int).iloc[-1])
        check(f"after: {served} QPV served, the plan's covered count {last}", served == last)
        compare_run(f"{run}/digital_after", "digital_inclusion", after, "digital inclusion, after")
        gained = after[(after["within"] > 0) & (before["within"] == 0)].groupby("dep").size()
        gained = gained.reset_index(name="n").sort_values(["n", "dep"], ascending=[False, True])
        print(f"  QPV gained: {int(gained['n'].sum())}, in {len(gained)} départements; top 12:")
        for dep, n in zip(gained["dep"].head(12), gained["n"].head(12)):
            print(f"    {dep:>3}: {n}")
        per_dep = pd.DataFrame({"qpv": before.groupby("dep").size(),
                                "before": (before["within"] > 0).groupby(before["dep"]).sum(),
                                "after": (after["within"] > 0).groupby(after["dep"]).sum()})
        per_dep["sites"] = chosen["departement"].value_counts()
        per_dep = per_dep.fillna(0).astype(int).reset_index(names="dep")
        per_dep = per_dep.sort_values(["sites", "after", "dep"], ascending=[False, False, True])
        print("  by département (the guide's table): new offices, QPV, reached before, reached after")
        for _, r in per_dep.head(10).iterrows():
            print(f"    {r.dep:>3}: {r.sites} {r.qpv} {r.before} {r.after}")
        changes = f"{run}/digital_change/departements_changes.csv"
        if os.path.exists(changes):
            theirs = pd.read_csv(changes, dtype={"departement": str})
            theirs = theirs[theirs["gained"] > 0].set_index("departement")["gained"]
            check("QPV gained per département equal compare's departements_changes.csv",
                  theirs.sort_index().to_dict() == gained.set_index("dep")["n"].sort_index().to_dict())
    population_reach(data, pts, digital, run)
    if FAILED:
        print(f"{len(FAILED)} check(s) differ")
        return 1
    print("every check agrees")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
