"""maillage.coverage on the national QPV 2024 and the La Poste 2025 network,
checked against an independent GeoPandas/Shapely computation."""
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import maillage
from conftest import data


def reference_metropole(qpv: gpd.GeoDataFrame, points_csv) -> pd.DataFrame:
    """Distance from each metropolitan QPV to the nearest point de contact,
    in Lambert-93 (EPSG:2154), with GeoPandas/Shapely: the method of
    tools/crosscheck/qpv2024_coverage.py."""
    pts = pd.read_csv(points_csv, dtype=str)
    pts = pts[pts["pays"] == "FRANCE"]
    pts = pts[~pts["code_insee"].fillna("").str[:2].isin(["97", "98"])]
    lat = pts["latitude"].astype(float)
    lon = pts["longitude"].astype(float)
    swapped = (lat.abs() < 10) & (lon.abs() > 40)  # one site has its pair swapped
    lat, lon = lat.where(~swapped, lon), lon.where(~swapped, lat)
    ok = lat.notna() & lon.notna()
    pts = gpd.GeoSeries(gpd.points_from_xy(lon[ok], lat[ok]), crs=4326).to_crs(2154)
    metro = qpv[~qpv["code_departement"].str[:2].isin(["97", "98"])].to_crs(2154)
    geoms = metro.geometry.values
    invalid = ~shapely.is_valid(geoms)
    geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    tree = shapely.STRtree(pts.values)
    (i_geom, _), dist = tree.query_nearest(geoms, return_distance=True, all_matches=False)
    out = pd.DataFrame({"territory_id": metro["code_qp"].values[i_geom], "ref_m": dist})
    return out.set_index("territory_id")


def test_columns_are_coverage_csv_s_in_order(national):
    assert list(national.columns) == list(maillage.COVERAGE_COLUMNS) + ["geometry"]
    assert national.crs.to_epsg() == 4326
    assert (national["service"] == "postal").all()
    assert national["status"].isin(["served", "unserved"]).all()
    assert national["served"].dtype == bool
    assert national["points_inside"].dtype == "Int64"
    assert set(national["rule"]) == {"within_distance"}
    assert (national["radius_m"] == 500.0).all()
    assert national.geometry.is_valid.all()
    assert national.geom_type.isin(["Polygon", "MultiPolygon"]).all()


def test_load_reports_are_returned(national):
    reports = national.attrs["load_reports"]
    assert [r["source"].rsplit("/", 1)[-1] for r in reports] == [
        "laposte_points_contact_2025.csv", "qpv_2024_national.geojson"]
    for r in reports:
        assert r["read"] == r["kept"] + sum(r["skipped"].values())
        assert r["kept"] > 0
    assert reports[1]["kept"] == len(national)


def test_metropolitan_qpv_agree_with_geopandas(national, qpv_gdf, points_path):
    ref = reference_metropole(qpv_gdf, points_path)
    ours = national.set_index("territory_id")
    assert len(ref) > 1200
    both = ref.join(ours[["nearest_m", "served"]], how="left")
    assert both["nearest_m"].notna().all(), "every metropolitan QPV is measured"
    diff = (both["nearest_m"] - both["ref_m"]).abs()
    assert diff.max() < 1.0, both[diff >= 1.0].head()
    # The same served set (served: within 500 m).
    assert set(both.index[both["served"]]) == set(both.index[both["ref_m"] <= 500.0])
    print(f"{len(both)} metropolitan QPV: same served set "
          f"({int(both['served'].sum())} served), max |Δ nearest| = {diff.max():.4f} m")


def test_a_geodataframe_gives_the_same_result_as_the_path(national, qpv_gdf, points_path):
    from_frame = maillage.coverage(points_path, qpv_gdf, kind="qpv", service="postal")
    a = national.drop(columns="geometry").reset_index(drop=True)
    b = from_frame.drop(columns="geometry").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert from_frame.attrs["load_reports"][1]["kept"] == len(national)
    # The same polygons (a repaired ring may start at another vertex).
    a, b = shapely.normalize(national.geometry.values), shapely.normalize(from_frame.geometry.values)
    assert shapely.equals_exact(a, b, 1e-7).all()


def test_a_lambert93_frame_is_reprojected(qpv_gdf, points_path):
    some = qpv_gdf[qpv_gdf["code_departement"] == "35"]
    assert len(some) > 5
    lonlat = maillage.coverage(points_path, some, kind="qpv", service="postal")
    l93 = maillage.coverage(points_path, some.to_crs(2154), kind="qpv", service="postal")
    assert list(lonlat["territory_id"]) == list(l93["territory_id"])
    assert np.allclose(lonlat["nearest_m"], l93["nearest_m"], atol=0.05)


def test_points_from_a_dataframe(qpv_gdf):
    some = qpv_gdf[qpv_gdf["code_departement"] == "75"]
    # Two made-up offices: one at the centroid of the first QPV (inside it),
    # one 1 km east of it (Lambert-93).
    first = some.iloc[[0]].to_crs(2154)
    c = first.geometry.representative_point().iloc[0]
    pts = gpd.GeoSeries(shapely.points([(c.x, c.y), (c.x + 1000.0, c.y)]), crs=2154).to_crs(4326)
    df = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "kind": ["bureau_de_poste", "relais_poste_commercant"],
                       "longitude": pts.x.values, "latitude": pts.y.values})
    out = maillage.coverage(df, some, kind="qpv").set_index("territory_id")
    row = out.loc[first["code_qp"].iloc[0]]
    assert row["points_inside"] == 1 and row["nearest_m"] == 0.0 and row["nearest_id"] == "a"
    assert row["nearest_kind"] == "bureau_de_poste" and row["served"]
    assert set(out["service"]) == {"postal"}


def test_services_and_radius(points_path, qpv_gdf):
    some = qpv_gdf[qpv_gdf["code_departement"] == "13"]
    out = maillage.coverage(points_path, some, kind="qpv", service=["postal"], radius_m=2000)
    assert (out["radius_m"] == 2000.0).all()
    assert list(out["served"]) == list(out["points_within_radius"] > 0)
    assert out["served"].sum() > len(out) // 2
    with pytest.raises(maillage.MaillageError, match="unknown service"):
        maillage.coverage(points_path, some, kind="qpv", service="telegraph")
