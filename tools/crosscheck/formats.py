#!/usr/bin/env python3
"""Cross-check of maillage's readers and GeoParquet writer against GDAL and GeoPandas.

The Occitanie QPV (2015) are written by GeoPandas/pyogrio (GDAL) as a
Lambert-93 GeoPackage, a Lambert-93 GeoParquet, a Lambert-93 Shapefile and a
Web Mercator GeoJSON; `maillage coverage` runs on each and on the original
GeoJSON, and every result must match (same served flags and counts, nearest
within 1 cm). Then maillage's `coverage.parquet` (`--geoparquet`) is opened
with `geopandas.read_parquet`: its CRS must be OGC:CRS84, its geometries equal
those of maillage's GeoJSON output and its columns those of coverage.csv.

    cargo build --features cli,geoparquet
    python3 tools/crosscheck/formats.py $MAILLAGE_DATA target/debug/maillage

Needs geopandas, pyogrio and pyarrow (benches/peer/requirements.txt).

Exits non-zero on any difference.
"""
import os
import subprocess
import sys
import tempfile

import warnings

import geopandas as gpd
import pandas as pd

warnings.filterwarnings("ignore")  # GDAL shortens Shapefile field names: expected


def run(maillage, data, territories, out, extra=()):
    cmd = [maillage, "coverage", "--points", f"{data}/laposte_points_contact_2016.csv",
           "--territories", territories, "--kind", "qpv", "--all-geojson", "--out", out, *extra]
    subprocess.run(cmd, check=True, capture_output=True)
    df = pd.read_csv(f"{out}/coverage.csv", dtype={"territory_id": str})
    return df.sort_values("territory_id").reset_index(drop=True)


def main(data, maillage):
    tmp = tempfile.mkdtemp()
    qpv = gpd.read_file(f"{data}/qpv_2015_occitanie.geojson")
    l93 = qpv.to_crs(2154)
    files = {
        "GeoPackage (GDAL, Lambert-93)": (os.path.join(tmp, "qpv.gpkg"), lambda p: l93.to_file(p, driver="GPKG", layer="qpv")),
        "GeoParquet (GeoPandas, Lambert-93)": (os.path.join(tmp, "qpv.parquet"), lambda p: l93.to_parquet(p)),
        "Shapefile (GDAL, Lambert-93)": (os.path.join(tmp, "qpv.shp"), lambda p: l93.to_file(p)),
        "GeoJSON (GDAL, Web Mercator)": (os.path.join(tmp, "qpv_3857.geojson"), lambda p: qpv.to_crs(3857).to_file(p, driver="GeoJSON")),
    }
    base = run(maillage, data, f"{data}/qpv_2015_occitanie.geojson", os.path.join(tmp, "base"),
               ["--geoparquet"])
    bad = 0
    for name, (path, write) in files.items():
        write(path)
        other = run(maillage, data, path, os.path.join(tmp, os.path.basename(path) + ".out"))
        same = (len(other) == len(base)
                and (other["territory_id"] == base["territory_id"]).all()
                and (other["served"] == base["served"]).all()
                and (other["points_inside"] == base["points_inside"]).all()
                and (other["points_within_radius"] == base["points_within_radius"]).all())
        diff = (other["nearest_m"] - base["nearest_m"]).abs().max() if same else float("nan")
        ok = same and diff < 0.01
        bad += not ok
        print(f"{name:>38}: {len(other)} rows, nearest differs by at most {diff:.4f} m {'OK' if ok else 'DIFFERS'}")

    gp = gpd.read_parquet(os.path.join(tmp, "base", "coverage.parquet"))
    gj = gpd.read_file(os.path.join(tmp, "base", "coverage.geojson"))
    crs_ok = gp.crs is not None and gp.crs.equals("OGC:CRS84")
    gp = gp.sort_values("territory_id").reset_index(drop=True)
    gj = gj.sort_values("territory_id").reset_index(drop=True)
    geom_ok = len(gp) == len(gj) and all(a.equals_exact(b, 1e-7) for a, b in zip(gp.geometry, gj.geometry))
    csv_header = pd.read_csv(os.path.join(tmp, "base", "coverage.csv"), nrows=0).columns
    cols_ok = list(gp.columns[:-1]) == list(csv_header)
    valid = int(gp.geometry.is_valid.sum())
    print(f"maillage's GeoParquet in GeoPandas: CRS {gp.crs.to_string()} ({'OK' if crs_ok else 'WRONG'}), "
          f"{len(gp)} rows, geometries equal the GeoJSON output: {geom_ok}, same columns: {cols_ok}, valid: {valid}/{len(gp)}")
    bad += not (crs_ok and geom_ok and cols_ok and valid == len(gp))

    # access and plan outputs as GeoParquet (the 2016 network, the Occitanie QPV).
    acc = os.path.join(tmp, "access")
    subprocess.run([maillage, "access", "--points", f"{data}/laposte_points_contact_2016.csv",
                    "--communes", f"{data}/communes_2018_simplified.geojson",
                    "--population", f"{data}/communes_france.csv", "--geoparquet", "--out", acc],
                   check=True, capture_output=True)
    plan = os.path.join(tmp, "plan")
    subprocess.run([maillage, "plan", "--points", f"{data}/laposte_points_contact_2016.csv",
                    "--territories", f"{data}/qpv_2015_occitanie.geojson", "--kind", "qpv",
                    "--service", "france_services", "--candidates", "bureau_de_poste", "--add", "5",
                    "--geoparquet", "--out", plan],
                   check=True, capture_output=True)
    for name, parquet, csv in [("access communes", os.path.join(acc, "communes.parquet"), os.path.join(acc, "communes.csv")),
                               ("plan sites", os.path.join(plan, "sites.parquet"), os.path.join(plan, "sites.csv"))]:
        g = gpd.read_parquet(parquet)
        c = pd.read_csv(csv, dtype=str)
        ok = g.crs.equals("OGC:CRS84") and len(g) == len(c) and list(g.columns[:-1]) == list(c.columns) \
            and bool(g.geometry.notna().all())
        bad += not ok
        print(f"{name} GeoParquet in GeoPandas: CRS {g.crs.to_string()}, {len(g)} rows (CSV {len(c)}), "
              f"{g.geom_type.unique().tolist()}, same columns: {list(g.columns[:-1]) == list(c.columns)} {'OK' if ok else 'DIFFERS'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
