"""Derive the embedded real territories of the README's main job.

One département at a time: its communes, its QPV of the 2024 list, and every
point de contact (La Poste, mid-2025), France Services site (August 2024)
and conseillers numériques host structure (2021) within MARGIN_M metres of
the département, so that the nearest point of every territory, and of every
cell of the population grid, is in the extract (tests/extract.rs checks that
the figures equal a run on the full files). The newer extracts also carry the
lieux where conseillers numériques worked in 2022 (the lieux de médiation
numérique of the CNFS source) within the same margin.

Each output keeps the columns and format of its official file under a short
name of its own (`maillage::load::TerritoryFiles::extract` knows them), so
that the extract is never mistaken for a copy of the official files. Rows and
features are copied unchanged: no geometry is simplified or rounded.

    MAILLAGE_DATA=../shared/data python3 tools/extract/make_extract.py [DEP...]

With no argument, every extract of EXTRACTS is written: 13 to
data/bouches-du-rhone/ (made before the lieux were extracted, and kept as the
tests know it: no lieux file), 42 to data/loire/. Requires geopandas
(benches/peer/requirements.txt). Prints each file's size.
"""

import csv
import io
import json
import os
import sys

import geopandas as gpd
import shapely
from pyproj import Transformer

MARGIN_M = 30_000.0
# Département code -> (output folder, whether the 2022 lieux are extracted).
EXTRACTS = {
    "13": (os.path.join("data", "bouches-du-rhone"), False),
    "42": (os.path.join("data", "loire"), True),
}


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(out, name, collection, features):
    doc = {k: v for k, v in collection.items() if k != "features"}
    doc["features"] = features
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def copy_csv_rows(src, out, name, keep, encoding="utf-8", delimiter=","):
    """Copies the header line and the raw lines of the rows `keep` accepts.

    Rows are split with the csv module (quoted fields may span lines) and
    written back byte for byte from the source text.
    """
    with open(src, encoding=encoding, newline="") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    rows = [header]
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
            rows.append(record)
            kept += 1
        i = j
    with open(os.path.join(out, name), "w", encoding=encoding, newline="") as f:
        f.write("".join(rows))
    return kept


def extract(data, dep_code, out, lieux):
    """Writes the extract of département `dep_code` to the folder `out`."""
    os.makedirs(out, exist_ok=True)
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)

    deps = read_json(os.path.join(data, "departements_2025.geojson"))
    dep = [f for f in deps["features"] if f["properties"]["insee_dep"] == dep_code]
    write_json(out, "departement.geojson", deps, dep)
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
    mine = [f for f in communes["features"] if str(f["properties"].get("code_insee_2026", "")).startswith(dep_code)]
    write_json(out, "communes.geojson", communes, mine)
    codes = {f["properties"]["code_insee"] for f in mine} | {f["properties"]["code_insee_2026"] for f in mine}
    n_table = copy_csv_rows(os.path.join(data, "communes_france.csv"), out, "communes.csv",
                            lambda r: r.get("code_insee") in codes)
    n_frr = copy_csv_rows(os.path.join(data, "frr_communes.csv"), out, "frr.csv",
                          lambda r: r.get("code_insee") in codes)

    qpv = read_json(os.path.join(data, "qpv_2024_national.geojson"))
    qmine = [f for f in qpv["features"] if f["properties"].get("code_departement") == dep_code]
    write_json(out, "qpv.geojson", qpv, qmine)

    n_lp = copy_csv_rows(os.path.join(data, "laposte_points_contact_2025.csv"), out, "points_de_contact.csv",
                         lambda r: near(r.get("longitude", ""), r.get("latitude", "")))
    n_fs = copy_csv_rows(os.path.join(data, "france_services_2024-08.csv"), out, "france_services.csv",
                         lambda r: near(r.get("longitude", ""), r.get("latitude", "")))
    cn = read_json(os.path.join(data, "conseillers_numeriques_structures_2021.geojson"))
    cmine = [f for f in cn["features"]
             if f.get("geometry") and f["geometry"].get("coordinates")
             and near(*f["geometry"]["coordinates"][:2])]
    write_json(out, "conseillers_numeriques.geojson", cn, cmine)
    n_lieux = None
    if lieux:
        n_lieux = copy_csv_rows(os.path.join(data, "conseillers_numeriques_lieux_2022.csv"), out, "lieux.csv",
                                lambda r: near(r.get("longitude", ""), r.get("latitude", "")))

    print(f"communes {len(mine)} polygons, table {n_table} rows, FRR {n_frr} rows; QPV {len(qmine)}; "
          f"points de contact {n_lp}; France Services {n_fs}; conseillers numériques {len(cmine)}"
          + (f"; lieux {n_lieux}" if lieux else ""), file=sys.stderr)
    total = 0
    for name in sorted(os.listdir(out)):
        size = os.path.getsize(os.path.join(out, name))
        total += size
        print(f"  {name}: {size:,} bytes", file=sys.stderr)
    print(f"  total {total:,} bytes", file=sys.stderr)


def main(argv):
    data = os.environ.get("MAILLAGE_DATA", "../shared/data")
    codes = argv[1:] or sorted(EXTRACTS)
    for code in codes:
        if code not in EXTRACTS:
            sys.exit(f"no extract is defined for département {code!r} (known: {', '.join(sorted(EXTRACTS))})")
    for code in codes:
        out, lieux = EXTRACTS[code]
        print(f"{code} -> {out}", file=sys.stderr)
        extract(data, code, out, lieux)


if __name__ == "__main__":
    main(sys.argv)
