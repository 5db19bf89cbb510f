"""maillage.plan on the real data, against an independent GeoPandas count."""
import geopandas as gpd
import pandas as pd
import pytest

import maillage

from conftest import data

# The CRS each zone is measured in (docs/METHOD.md): Lambert-93 for
# metropolitan France and Corsica, the official CRS overseas.
ZONE_CRS = {"971": 5490, "972": 5490, "973": 2972, "974": 2975, "976": 4471}


def crs_of(dep: str) -> int:
    return ZONE_CRS.get(str(dep)[:3], 2154)


@pytest.fixture(scope="module")
def mediation_50(points_path, qpv_path):
    return maillage.plan(points_path, territories=qpv_path, kind="qpv", weight="count",
                         service="mediation", candidates="bureau_de_poste", add=50)


def test_the_qpv_mclp_at_k_50_reaches_spopt_s_optimum(mediation_50):
    plan = mediation_50["plan"]
    sites = mediation_50["sites"]
    # 128: spopt's MCLP optimum on this instance (benches/peer/plan_peer.py).
    assert plan["objective"] == 128
    assert plan["measured"]["objective"] == 128 and plan["claimed"]["objective"] == 128
    assert plan["met"] is not False
    assert len(sites) == 50 and sites.crs.to_epsg() == 4326
    assert list(sites["rank"]) == list(range(1, 51))
    assert sites["site_id"].is_unique
    assert sites.attrs["load_reports"][0]["kept"] > 17_000


def test_the_plan_s_reach_agrees_with_geopandas(mediation_50, qpv_gdf):
    sites = mediation_50["sites"]
    qpv = qpv_gdf
    reached = set()
    for epsg in sorted({crs_of(d) for d in qpv["code_departement"]}):
        zone_qpv = qpv[[crs_of(d) == epsg for d in qpv["code_departement"]]].to_crs(epsg)
        zone_sites = sites[[crs_of(d) == epsg for d in sites["departement"]]].to_crs(epsg)
        if zone_sites.empty:
            continue
        near = gpd.sjoin(zone_qpv, zone_sites[["geometry"]], predicate="dwithin", distance=500.0)
        reached |= set(near["code_qp"])
    assert len(reached) == 128


def test_bad_goals_are_clear_errors(points_path, qpv_path):
    with pytest.raises(maillage.MaillageError, match="one goal"):
        maillage.plan(points_path, territories=qpv_path, kind="qpv", add=3, comply=True)
    with pytest.raises(maillage.MaillageError, match="weigh|weight"):
        # The 2024 QPV carry no population: every weight would be 0.
        maillage.plan(points_path, territories=qpv_path, kind="qpv", service="mediation", add=3)
    with pytest.raises(maillage.MaillageError, match="capacity"):
        maillage.plan(points_path, territories=qpv_path, kind="qpv", weight="count",
                      service="mediation", add=3, capacity=5, capacity_of="people")


def test_a_time_budget_of_zero_is_a_clear_error(points_path, qpv_path):
    with pytest.raises(maillage.MaillageError, match=r"\(--search\) must be a number of seconds"):
        maillage.plan(points_path, territories=qpv_path, kind="qpv", weight="count",
                      service="mediation", candidates="bureau_de_poste", add=5,
                      search_seconds=0)


def test_the_search_budget_reaches_the_plan(points_path, qpv_path):
    plan = maillage.plan(points_path, territories=qpv_path, kind="qpv", weight="count",
                         service="mediation", candidates="bureau_de_poste", add=50,
                         search_seconds=0.5)["plan"]
    # The same optimum (128, proven) within half a second.
    assert plan["objective"] == 128 and plan["optimal"] is True
    assert plan["solve"]["presolve"]["after"]["units"] == 925
