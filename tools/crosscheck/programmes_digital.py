"""Independent check of the digital-inclusion hosts of `maillage programmes`.

No maillage code: pandas reads the two CSV files, pyproj's geodesic (WGS84
ellipsoid) gives distances. A lieu de médiation numérique is hosted by La
Poste when its SIRET (`pivot`) starts with La Poste's SIREN 356000000 or its
name has a word `poste` or `laposte`; it is matched to the nearest point de
contact (pays FRANCE) within 300 m.

maillage measures in Lambert-93 / UTM metres, the check on the ellipsoid:
the two agree to well under a metre at 300 m, and no lieu lies within a
metre of the threshold (printed below: the closest margin).

Usage: python3 tools/crosscheck/programmes_digital.py [DATA_DIR]
"""

import re
import sys

import numpy as np
import pandas as pd
from pyproj import Geod

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
RADIUS = 300.0
geod = Geod(ellps="WGS84")

lieux = pd.read_csv(f"{DATA}/conseillers_numeriques_lieux_2022.csv", dtype=str)
points = pd.read_csv(f"{DATA}/laposte_points_contact_2025.csv", dtype=str)
points = points[points["pays"] == "FRANCE"].copy()
points["lat"] = points["latitude"].astype(float)
points["lon"] = points["longitude"].astype(float)
# Site 06086A has latitude and longitude swapped in the file (maillage repairs it).
swap = (points["lat"].abs() < 10) & (points["lon"] > 40)
points.loc[swap, ["lat", "lon"]] = points.loc[swap, ["lon", "lat"]].values

print(f"lieux read: {len(lieux)}, with coordinates: {lieux['latitude'].notna().sum()}")

word = re.compile(r"\b(la\s*)?poste\b", re.IGNORECASE)
by_siret = lieux["pivot"].fillna("").str.startswith("356000000")
by_name = lieux["nom"].fillna("").map(lambda n: bool(word.search(n)))
hosted = lieux[(by_siret | by_name) & lieux["latitude"].notna()].copy()
print(f"hosted by La Poste: {len(hosted)} ({by_siret.sum()} by SIRET)")

plat = points["lat"].to_numpy()
plon = points["lon"].to_numpy()
pid = points["identifiant_a"].to_numpy()
pkind = points["caracteristique_du_site"].to_numpy()
matched, lieux_matched, ambiguous, margin = {}, 0, 0, float("inf")
for _, l in hosted.iterrows():
    la, lo = float(l["latitude"]), float(l["longitude"])
    near = (np.abs(plat - la) < 0.05) & (np.abs(plon - lo) < 0.07)
    idx = np.nonzero(near)[0]
    if len(idx) == 0:
        continue
    _, _, d = geod.inv(np.full(len(idx), lo), np.full(len(idx), la), plon[idx], plat[idx])
    order = np.argsort(d)
    margin = min(margin, abs(d[order[0]] - RADIUS))
    if d[order[0]] <= RADIUS:
        matched.setdefault(pid[idx[order[0]]], pkind[idx[order[0]]])
        lieux_matched += 1
        if len(order) > 1 and d[order[1]] <= RADIUS:
            ambiguous += 1
kinds = pd.Series(list(matched.values())).value_counts()
print(f"lieux matched within {RADIUS:.0f} m: {lieux_matched}, unmatched: {len(hosted) - lieux_matched}")
print(f"points de contact: {len(matched)}; by kind: {kinds.to_dict()}")
print(f"ambiguous lieux (a second point within {RADIUS:.0f} m): {ambiguous}")
print(f"closest distance to the threshold: {margin:.1f} m")
