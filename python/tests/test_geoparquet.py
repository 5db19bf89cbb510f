"""The GeoParquet files of the command line's ``--format geoparquet``, opened
with pyarrow and GeoPandas: the rows and columns of their CSV twins, the
geometry in WGS84 lon/lat (OGC:CRS84), typed columns.

The files are written by the Rust test ``tests/geoparquet_tables.rs`` into
``$CARGO_TARGET_DIR/tmp/geoparquet-samples`` with a ``manifest.json``;
``python/ci.sh`` runs that test first when the folder is missing.
"""
import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "tmp" / "geoparquet-samples"


def manifest() -> dict:
    path = SAMPLES / "manifest.json"
    if not path.is_file():
        pytest.fail(f"missing {path}: run `cargo test --all-features --test geoparquet_tables`")
    return json.loads(path.read_text())


TABLES = sorted(manifest().items()) if (SAMPLES / "manifest.json").is_file() else [("missing", {})]


@pytest.mark.parametrize("name,expected", TABLES, ids=[t[0] for t in TABLES])
def test_each_file_opens_with_the_csv_s_rows_and_columns(name, expected):
    assert expected, "no manifest"
    parquet = SAMPLES / f"{name}.parquet"
    csv = pd.read_csv(SAMPLES / f"{name}.csv", dtype=str, keep_default_na=False)
    table = pq.read_table(parquet)
    file_meta = pq.read_metadata(parquet).metadata or {}
    assert table.num_rows == expected["rows"] == len(csv)
    assert table.column_names[: len(expected["columns"])] == expected["columns"] == list(csv.columns)
    if expected["geometry_types"] is None:
        assert b"geo" not in file_meta
        return
    gdf = gpd.read_parquet(parquet)
    # No `crs` in the metadata: OGC:CRS84 by the GeoParquet specification,
    # which GeoPandas reads as lon/lat WGS84.
    assert gdf.crs is not None and gdf.crs.equals("OGC:CRS84"), gdf.crs
    assert gdf.crs.to_epsg() in (4326, None)
    present = gdf.geometry[~gdf.geometry.isna()]
    assert set(present.geom_type) <= set(expected["geometry_types"])
    if len(present):
        minx, miny, maxx, maxy = present.total_bounds
        # French territories, metropolitan or overseas, in degrees.
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
        meta = json.loads(file_meta[b"geo"])
        assert meta["columns"]["geometry"]["bbox"] == pytest.approx([minx, miny, maxx, maxy])
    if "lon" in csv.columns:
        # Points are the CSV's lon/lat, as written.
        rows = csv["lon"] != ""
        assert list(gdf.geometry[rows.values].x) == pytest.approx(csv.loc[rows, "lon"].astype(float))
        assert list(gdf.geometry[rows.values].y) == pytest.approx(csv.loc[rows, "lat"].astype(float))


def test_columns_are_typed_not_text():
    cov = pq.read_table(SAMPLES / "coverage_before" / "coverage.parquet")
    assert str(cov.schema.field("served").type) == "bool"
    assert str(cov.schema.field("nearest_m").type) == "double"
    assert str(cov.schema.field("territory_id").type) == "string"
    deps = pq.read_table(SAMPLES / "access" / "departements.parquet")
    # Département codes stay text ("01", "2A"), never numbers.
    assert str(deps.schema.field("dep").type) == "string"
    assert str(deps.schema.field("compliant").type) == "bool"
