"""Derive the embedded real territory of the README's main job.

Bouches-du-Rhône (13): its communes, its QPV of the 2024 list, and every
point de contact (La Poste, mid-2025), France Services site (August 2024)
and conseillers numériques host structure (2021) within MARGIN_M metres of
the département, so that the nearest point of every territory, and of every
cell of the population grid, is in the extract (tests/extract.rs checks that
the figures equal a run on the full files).

Each output keeps the columns and format of its official file under a short
name of its own (`maillage::load::TerritoryFiles::extract` knows them), so
that the extract is never mistaken for a copy of the official files. Rows and
features are copied unchanged: no geometry is simplified or rounded.

    MAILLAGE_DATA=../shared/data python3 tools/extract/make_extract.py

Requires geopandas (benches/peer/requirements.txt). Writes
data/bouches-du-rhone/ and prints each file's size.
"""

import csv
import io
import json
import os
import sys

import geopandas as gpd
import shapely
from pyproj import Transformer

DEP = "13"
MARGIN_M = 30_000.0
OUT = os.path.join("data", "bouches-du-rhone")


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(name, collection, features):
    doc = {k: v for k, v in collection.items() if k != "features"}
    doc["features"] = features
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def copy_csv_rows(src, name, keep, encoding="utf-8", delimiter=","):
    """Copies the header line and the raw lines of the rows `keep` accepts.

    Rows are split with the csv module (quoted fields may span lines) and
    written back byte for byte from the source text.
    """
    with open(src, encoding=encoding, newline="") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    out = [header]
    fields = next(csv.reader([header], delimiter=delimiter))
    i = 0
    kept = 0
    while i < len(body):
        # Grow the record until its quotes balance.
        j = i + 1
        record = body[i]
        while record.count('"') % 2 == 1 and j < len(body):
            record += body[j]
            j += 1
        row = next(csv.reader(io.StringIO(record), delimiter=delimiter), [])
        if keep(dict(zip(fields, row))):
            out.append(record)
            kept += 1
        i = j
    with open(os.path.join(OUT, name), "w", encoding=encoding, newline="") as f:
        f.write("".join(out))
    return kept


def main():
    data = os.environ.get("MAILLAGE_DATA", "../shared/data")
    os.makedirs(OUT, exist_ok=True)
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)

    deps = read_json(os.path.join(data, "departements_2025.geojson"))
    dep = [f for f in deps["features"] if f["properties"]["insee_dep"] == DEP]
    write_json("departement.geojson", deps, dep)
    area = gpd.GeoSeries([shapely.geometry.shape(dep[0]["geometry"])], crs=4326).to_crs(2154)
    reach = area.buffer(MARGIN_M).iloc[0]
    shapely.prepare(reach)

    def near(lon, lat):
        try:
            x, y = to_l93.transform(float(str(lon).replace(",", ".")), float(str(lat).replace(",", ".")))
        except ValueError:
            return False
        return shapely.contains_xy(reach, x, y)

    communes = read_json(os.path.join(data, "communes_2018_simplified.geojson"))
    mine = [f for f in communes["features"] if str(f["properties"].get("code_insee_2026", "")).startswith(DEP)]
    write_json("communes.geojson", communes, mine)
    codes = {f["properties"]["code_insee"] for f in mine} | {f["properties"]["code_insee_2026"] for f in mine}
    n_table = copy_csv_rows(os.path.join(data, "communes_france.csv"), "communes.csv",
                            lambda r: r.get("code_insee") in codes)
    n_frr = copy_csv_rows(os.path.join(data, "frr_communes.csv"), "frr.csv",
                          lambda r: r.get("code_insee") in codes)

    qpv = read_json(os.path.join(data, "qpv_2024_national.geojson"))
    qmine = [f for f in qpv["features"] if f["properties"].get("code_departement") == DEP]
    write_json("qpv.geojson", qpv, qmine)

    n_lp = copy_csv_rows(os.path.join(data, "laposte_points_contact_2025.csv"), "points_de_contact.csv",
                         lambda r: near(r.get("longitude", ""), r.get("latitude", "")))
    n_fs = copy_csv_rows(os.path.join(data, "france_services_2024-08.csv"), "france_services.csv",
                         lambda r: near(r.get("longitude", ""), r.get("latitude", "")))
    cn = read_json(os.path.join(data, "conseillers_numeriques_structures_2021.geojson"))
    cmine = [f for f in cn["features"]
             if f.get("geometry") and f["geometry"].get("coordinates")
             and near(*f["geometry"]["coordinates"][:2])]
    write_json("conseillers_numeriques.geojson", cn, cmine)

    print(f"communes {len(mine)} polygons, table {n_table} rows, FRR {n_frr} rows; QPV {len(qmine)}; "
          f"points de contact {n_lp}; France Services {n_fs}; conseillers numériques {len(cmine)}", file=sys.stderr)
    total = 0
    for name in sorted(os.listdir(OUT)):
        size = os.path.getsize(os.path.join(OUT, name))
        total += size
        print(f"  {name}: {size:,} bytes", file=sys.stderr)
    print(f"  total {total:,} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
