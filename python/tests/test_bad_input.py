"""Bad input from Python: a clear MaillageError (a ValueError), never a crash."""
import geopandas as gpd
import pandas as pd
import pytest
import shapely

import maillage
from conftest import data

SQUARE = shapely.box(2.35, 48.85, 2.36, 48.86)  # in Paris


def frame(geoms, crs="EPSG:4326", **cols):
    cols.setdefault("code_qp", [f"Q{i}" for i in range(len(geoms))])
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs=crs)


@pytest.fixture(scope="module")
def points():
    return data("laposte_points_contact_2025.csv")


def test_the_error_is_a_value_error():
    assert issubclass(maillage.MaillageError, ValueError)


def test_no_crs(points):
    with pytest.raises(maillage.MaillageError, match="undefined CRS"):
        maillage.coverage(points, frame([SQUARE], crs=None), kind="qpv")


def test_a_crs_that_is_not_french(points):
    # Lambert-93 metres declared as Web Mercator: the data lands in the Gulf of Guinea.
    l93 = frame([SQUARE]).to_crs(2154).set_crs(3857, allow_override=True)
    with pytest.raises(maillage.MaillageError, match="nothing usable") as e:
        maillage.coverage(points, l93, kind="qpv")
    assert "outside" in str(e.value)


def test_a_missing_id_column(points):
    gdf = gpd.GeoDataFrame({"nom": ["x"]}, geometry=[SQUARE], crs=4326)
    with pytest.raises(maillage.MaillageError, match="code_qp"):
        maillage.coverage(points, gdf, kind="qpv")


def test_mixed_geometry_types(points):
    gdf = frame([SQUARE, shapely.Point(2.35, 48.85)])
    with pytest.raises(maillage.MaillageError, match="mixed geometry types.*Point: 1"):
        maillage.coverage(points, gdf, kind="qpv")


def test_an_empty_frame(points):
    with pytest.raises(maillage.MaillageError, match="no rows"):
        maillage.coverage(points, frame([]), kind="qpv")
    with pytest.raises(maillage.MaillageError, match="no rows"):
        maillage.coverage(pd.DataFrame({"id": [], "longitude": [], "latitude": []}),
                          frame([SQUARE]), kind="qpv")


def test_null_and_empty_geometries_are_counted_skips(points):
    gdf = frame([SQUARE, None, shapely.Polygon()], code_qp=["A", "B", "C"])
    out = maillage.coverage(points, gdf, kind="qpv", service="postal")
    assert list(out["territory_id"]) == ["A"]
    report = out.attrs["load_reports"][1]
    assert (report["read"], report["kept"]) == (3, 1)
    assert sum(report["skipped"].values()) == 2


def test_duplicate_ids_and_missing_ids_are_counted(points):
    gdf = frame([SQUARE, SQUARE, SQUARE], code_qp=["A", "A", None])
    out = maillage.coverage(points, gdf, kind="qpv", service="postal")
    assert list(out["territory_id"]) == ["A"]
    assert out.attrs["load_reports"][1]["kept"] == 1
    assert len(out.attrs["load_reports"][1]["skipped"]) == 2


def test_a_missing_file_has_the_cli_message(points):
    with pytest.raises(maillage.MaillageError, match="no-such.geojson"):
        maillage.coverage(points, "/nonexistent/no-such.geojson", kind="qpv")


def test_bad_points_frames():
    square = frame([SQUARE])
    with pytest.raises(maillage.MaillageError, match="latitude"):
        maillage.coverage(pd.DataFrame({"id": ["a"], "longitude": [2.35]}), square, kind="qpv")
    london = pd.DataFrame({"id": ["a"], "longitude": [-0.1276], "latitude": [51.5072]})
    with pytest.raises(maillage.MaillageError, match="nothing usable"):
        maillage.coverage(london, square, kind="qpv")
    bad_kind = pd.DataFrame({"id": ["a"], "longitude": [2.355], "latitude": [48.855], "kind": ["castle"]})
    with pytest.raises(maillage.MaillageError, match="unknown point kind"):
        maillage.coverage(bad_kind, square, kind="qpv")


def test_wrong_argument_types(points):
    with pytest.raises(maillage.MaillageError, match="expected a path"):
        maillage.coverage(points, 42, kind="qpv")
    with pytest.raises(maillage.MaillageError, match="kind"):
        maillage.coverage(points, frame([SQUARE]), kind="planet")
