#!/usr/bin/env python3
"""Independent cross-check of `maillage compare --points-before --points-after`
on the La Poste networks of 2016 and mid-2025.

With pandas, pyproj and shapely: sites without coordinates (2016), abroad
(2025: pays is not FRANCE, Andorra) and off French land (outside
data/outline/france_land.geojson and the boxes of Saint-Martin,
Saint-Barthélemy and Saint-Pierre-et-Miquelon: the 6 Andorra offices the
2016 file labels FRANCE) left out, the one swapped 2025 pair exchanged; kinds from the
labels; positions in each zone's CRS (chosen from the INSEE code). Sites are
matched by id; a matched pair more than 100 m apart has moved. The sites
left over are matched by position: every (2025, 2016) pair of one zone
within 100 m, the most alike first (same name and kind, same name, same
kind, neither; names without case, runs of spaces as one, an empty name
like no other), then the closest to the centimetre, then file order; a pair
taken while a still-free pair sharing one of its sites is as alike and as
close is ambiguous when its kinds differ. A pair matched by position with
the same kind is the same site under a new id (no change).

    cargo run --release --features cli -- compare \
        --points-before $D/laposte_points_contact_2016.csv \
        --points-after $D/laposte_points_contact_2025.csv --out out/network
    python3 tools/crosscheck/network_change.py $D out/network/points_changes.csv

Exits non-zero if a count differs.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

HERE = os.path.dirname(os.path.abspath(__file__))
OUTLINE = os.path.join(HERE, "..", "..", "data", "outline", "france_land.geojson")
# Saint-Martin, Saint-Barthélemy, Saint-Pierre-et-Miquelon (src/land.rs).
BOXES = [(-63.18, 17.99, -62.95, 18.15), (-62.92, 17.85, -62.77, 17.99), (-56.45, 46.72, -56.08, 47.16)]


def on_land(df: pd.DataFrame) -> pd.DataFrame:
    with open(OUTLINE) as f:
        shapes = [shapely.geometry.shape(ft["geometry"]) for ft in json.load(f)["features"]]
    land = shapely.union_all(shapes + [shapely.box(*b) for b in BOXES])
    return df[shapely.contains_xy(land, df["lon"].to_numpy(), df["lat"].to_numpy())]

EPSG = {"971": 5490, "972": 5490, "977": 5490, "978": 5490, "973": 2972, "974": 2975, "976": 4471, "975": 4467}


def kind(label: str) -> str:
    k = str(label).lower()
    if " ou " in k or k.strip() == "agence postale":
        return "other"
    if "bureau" in k:
        return "bureau_de_poste"
    if "intercommunale" in k:
        return "agence_postale_intercommunale"
    if "communale" in k:
        return "agence_postale_communale"
    if "militaire" in k:
        return "agence_postale_militaire"
    if "relais" in k or "commer" in k:
        return "relais_poste_commercant"
    return "other"


def project(df: pd.DataFrame) -> pd.DataFrame:
    insee = df["insee"].fillna("").astype(str)
    df["epsg"] = [EPSG.get(c[:3], 2154) if c.startswith("97") else 2154 for c in insee]
    df["x"] = np.nan
    df["y"] = np.nan
    for epsg, idx in df.groupby("epsg").groups.items():
        t = Transformer.from_crs(4326, int(epsg), always_xy=True)
        x, y = t.transform(df.loc[idx, "lon"].to_numpy(), df.loc[idx, "lat"].to_numpy())
        df.loc[idx, "x"], df.loc[idx, "y"] = x, y
    return df


def load(data_dir: str):
    old = pd.read_csv(f"{data_dir}/laposte_points_contact_2016.csv", sep=";", dtype=str)
    old = old.dropna(subset=["Latitude", "Longitude"])
    old = pd.DataFrame({
        "id": old["#Identifiant_du_site"], "kind": old["Caractéristique_du_site"].map(kind),
        "name": old["Libellé_du_site"].fillna(""),
        "insee": old["Code_INSEE"], "lon": old["Longitude"].astype(float), "lat": old["Latitude"].astype(float),
    })
    new = pd.read_csv(f"{data_dir}/laposte_points_contact_2025.csv", dtype=str)
    new = new[new["pays"] == "FRANCE"]
    lat, lon = new["latitude"].astype(float), new["longitude"].astype(float)
    swapped = (new["code_insee"].str[:2] != "97") & (lat.abs() < 10) & (lon.abs() > 40)
    lat, lon = lat.where(~swapped, lon), lon.where(~swapped, lat)
    new = pd.DataFrame({
        "id": new["identifiant_a"], "kind": new["caracteristique_du_site"].map(kind),
        "name": new["libelle_du_site"].fillna(""),
        "insee": new["code_insee"], "lon": lon, "lat": lat,
    })
    old, new = on_land(old), on_land(new)
    return project(old.reset_index(drop=True)), project(new.reset_index(drop=True))


def main(data_dir: str, ours_csv: str) -> int:
    old, new = load(data_dir)
    both = new.merge(old, on="id", suffixes=("_a", "_b"))
    d = np.hypot(both["x_a"] - both["x_b"], both["y_a"] - both["y_b"])
    d = np.where(both["epsg_a"] == both["epsg_b"], d, np.inf)
    moved, kinds = d > 100.0, both["kind_a"] != both["kind_b"]
    expected = {
        ("moved", "id"): int((moved & ~kinds).sum()),
        ("kind_changed", "id"): int((~moved & kinds).sum()),
        ("moved_and_kind_changed", "id"): int((moved & kinds).sum()),
    }
    print(f"ids in both files: {len(both)}; within 100 m: {int((d <= 100).sum())}; moved > 1 km: {int((d > 1000).sum())}")
    bdp = both["kind_b"] == "bureau_de_poste"
    print(f"bureaux de poste of 2016 that are agences communales in 2025: {int((bdp & (both['kind_a'] == 'agence_postale_communale')).sum())}; "
          f"relais poste: {int((bdp & (both['kind_a'] == 'relais_poste_commercant')).sum())}")

    left_old = old[~old["id"].isin(new["id"])].copy()
    left_new = new[~new["id"].isin(old["id"])]
    ox, oy, oz = left_old["x"].to_numpy(), left_old["y"].to_numpy(), left_old["epsg"].to_numpy()
    okind = left_old["kind"].to_numpy()
    norm = lambda n: " ".join(str(n).split()).lower()
    oname = [norm(n) for n in left_old["name"]]
    pairs = []
    for ai, s in enumerate(left_new.itertuples(index=False)):
        dist = np.hypot(ox - s.x, oy - s.y)
        near = np.nonzero((oz == s.epsg) & (dist <= 100.0))[0]
        na = norm(s.name)
        for bi in near:
            same_name = na != "" and na == oname[bi]
            same_kind = okind[bi] == s.kind
            unlike = {(True, True): 0, (True, False): 1, (False, True): 2, (False, False): 3}[(same_name, same_kind)]
            pairs.append((unlike, int(round(dist[bi] * 100)), ai, int(bi), not same_kind))
    pairs.sort()
    a_taken = np.zeros(len(left_new), dtype=bool)
    taken = np.zeros(len(left_old), dtype=bool)
    by_position_kind = ambiguous = 0
    for i, (unlike, cm, ai, bi, kinds_differ) in enumerate(pairs):
        if a_taken[ai] or taken[bi]:
            continue
        rival = False
        for q in pairs[i + 1:]:
            if (q[0], q[1]) != (unlike, cm):
                break
            if (q[2] == ai or q[3] == bi) and not a_taken[q[2]] and not taken[q[3]]:
                rival = True
                break
        a_taken[ai] = taken[bi] = True
        if kinds_differ:
            if rival:
                ambiguous += 1
            else:
                by_position_kind += 1
    opened = int((~a_taken).sum())
    expected[("kind_changed", "position")] = by_position_kind
    expected[("ambiguous", "position")] = ambiguous
    expected[("opened", "")] = opened
    expected[("closed", "")] = int((~taken).sum())

    ours = pd.read_csv(ours_csv, dtype=str, keep_default_na=False)
    got = ours.groupby(["change", "matched_by"]).size().to_dict()
    bad = 0
    for key, n in sorted(expected.items()):
        flag = "" if got.get(key, 0) == n else "   <-- DIFFERS"
        bad += bool(flag)
        print(f"{key[0]:>24} {key[1]:>8}: expected {n:>5}, maillage {got.get(key, 0):>5}{flag}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
