#!/usr/bin/env python3
"""Reading throughput per format, maillage beside GeoPandas/pyogrio, same files, same run.

The commune layer (35,357 polygons) is written by GDAL (pyogrio) as GeoJSON,
gzip-compressed GeoJSON (by Python's gzip), Lambert-93 Shapefile and
Lambert-93 GeoPackage, and, with --geoparquet, as GeoParquet (GeoPandas).
maillage reads each into territories (`examples/read_throughput.rs`: parse,
project to the zone's CRS, check on French land, validate, repair);
GeoPandas reads each with pyogrio (GeoParquet with `read_parquet`, through
pyarrow) and projects to Lambert-93 (`to_crs`),
the least a coverage analysis needs. Best of three each. Prints MB/s and
features/s for both, and the ratio.

    python3 benches/peer/read_formats.py [DATA_DIR] [--geoparquet]

--geoparquet builds maillage with the `geoparquet` feature (polars: about
16 minutes in release on 2 cores).
"""
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time

import warnings

import geopandas as gpd

warnings.filterwarnings("ignore")  # GDAL shortens Shapefile field names: expected

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    parquet = "--geoparquet" in sys.argv
    data = os.path.abspath(args[0] if args else os.path.join(ROOT, "..", "shared", "data"))
    src = os.path.join(data, "communes_2018_simplified.geojson")
    tmp = tempfile.mkdtemp()
    communes = gpd.read_file(src)
    l93 = communes[~communes["code_insee"].str.startswith("97")].to_crs(2154)
    files = {}
    files["GeoJSON"] = os.path.join(tmp, "communes.geojson")
    shutil.copy(src, files["GeoJSON"])
    files["GeoJSON.gz"] = files["GeoJSON"] + ".gz"
    with open(files["GeoJSON"], "rb") as f, gzip.open(files["GeoJSON.gz"], "wb", compresslevel=6) as g:
        shutil.copyfileobj(f, g)
    files["Shapefile L93"] = os.path.join(tmp, "communes.shp")
    l93.to_file(files["Shapefile L93"], engine="pyogrio")
    files["GeoPackage L93"] = os.path.join(tmp, "communes.gpkg")
    l93.to_file(files["GeoPackage L93"], driver="GPKG", engine="pyogrio")
    features = "shapefile,geopackage"
    if parquet:
        files["GeoParquet L93"] = os.path.join(tmp, "communes.parquet")
        l93.to_parquet(files["GeoParquet L93"])
        features += ",geoparquet"
    subprocess.run(["cargo", "build", "--release", "--features", features, "--example", "read_throughput"],
                   cwd=ROOT, check=True, capture_output=True)
    exe = os.path.join(ROOT, "target", "release", "examples", "read_throughput")
    out = subprocess.run([exe, *files.values()], check=True, capture_output=True, text=True).stdout
    ours = {line.split("\t")[0]: line.split("\t")[1:] for line in out.strip().splitlines()}

    print(f"{'format':<16} {'MB':>7} {'features':>9} | {'maillage s':>10} {'MB/s':>7} {'feat/s':>8} | {'GeoPandas s':>11} {'MB/s':>7} {'feat/s':>8} | ratio")
    for name, path in files.items():
        size, n, secs = ours[path]
        size, n, secs = int(size), int(n), float(secs)
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            if path.endswith(".parquet"):
                df = gpd.read_parquet(path)  # GeoPandas reads GeoParquet with pyarrow, not GDAL
            else:
                df = gpd.read_file("/vsigzip/" + path if path.endswith(".gz") else path, engine="pyogrio")
            if df.crs is None or df.crs.to_epsg() != 2154:
                df = df.to_crs(2154)
            best = min(best, time.perf_counter() - t)
        mb = size / 1e6
        print(f"{name:<16} {mb:>7.1f} {n:>9} | {secs:>10.3f} {mb / secs:>7.1f} {n / secs:>8.0f} | {best:>11.3f} {mb / best:>7.1f} {len(df) / best:>8.0f} | {best / secs:.1f}×")


if __name__ == "__main__":
    main()
