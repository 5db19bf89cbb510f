"""Closure scenarios from Python: one machine, and the same sweep spread over
a local Dask cluster of two worker processes."""
import csv

import pandas as pd
import pytest

from conftest import data

import maillage
from maillage.sweep import (SCENARIO_COLUMNS, PartitionError, check_partition,
                            closure_scenarios, closures, closures_dask)

DEPS = ["2A", "48"]


@pytest.fixture(scope="module")
def inputs():
    return (data("laposte_points_contact_2025.csv"), data("communes_2018_simplified.geojson"),
            data("communes_france.csv"))


@pytest.fixture(scope="module")
def scenario_file(inputs, tmp_path_factory):
    """50 scenarios: 44 single closures of sites in Corse-du-Sud and Lozère,
    and 6 pairs of them."""
    with open(inputs[0], newline="", encoding="utf-8") as f:
        ids = [r["identifiant_a"] for r in csv.DictReader(f)
               if r["code_insee"][:2] in ("2A", "48")]
    assert len(ids) >= 56
    path = tmp_path_factory.mktemp("sweep") / "scenarios.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["scenario_id", "site_id"])
        for site in ids[:44]:
            w.writerow([site, site])
        for k in range(6):
            a, b = ids[44 + 2 * k], ids[45 + 2 * k]
            w.writerow([f"pair{k}", a])
            w.writerow([f"pair{k}", b])
    return path


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def single(inputs, scenario_file):
    return closures(*inputs, scenarios=scenario_file, departements=DEPS)


def test_one_machine_table(single, inputs, scenario_file):
    assert tuple(single.columns) == SCENARIO_COLUMNS
    assert len(single) == 50 * 2
    assert sorted(set(single["departement"])) == DEPS
    assert single["newly_beyond"].gt(0).sum() >= 5
    # Today's shares are access's, département by département.
    deps = maillage.access(*inputs).set_index("dep")
    for code in DEPS:
        now = single[single["departement"] == code]["share_beyond_now"].unique()
        assert len(now) == 1
        assert now[0] == pytest.approx(deps.loc[code, "share_beyond"], abs=1e-6)
    pair = single[(single["scenario_id"] == "pair0")]
    assert (pair["sites_closed"] == 2).all()
    # The scenario ids are the file's, in its order.
    ids = closure_scenarios(inputs[0], scenarios=scenario_file)
    assert list(dict.fromkeys(single["scenario_id"])) == ids


def test_dask_sweep_equals_the_single_machine_run(client, inputs, scenario_file, single):
    out = closures_dask(client, *inputs, scenarios=scenario_file, chunk=10,
                        departement_groups=[["48"], ["2A"]])
    assert out.attrs["partitions"] == 10
    assert len(out) == 50 * 2
    pd.testing.assert_frame_equal(out, single, check_like=False)


def test_dask_by_scenario_chunk_alone(client, inputs, scenario_file, single):
    out = closures_dask(client, *inputs, scenarios=scenario_file, chunk=17,
                        departements=DEPS)
    assert out.attrs["partitions"] == 3
    pd.testing.assert_frame_equal(out, single)


def test_a_failing_partition_is_named(client, inputs, scenario_file):
    with pytest.raises(PartitionError) as e:
        closures_dask(client, *inputs, scenarios=scenario_file, chunk=25,
                      departement_groups=[["48"], ["00"]])
    message = str(e.value)
    assert "partition 1" in message and "départements 00" in message, message
    assert "no population in département(s) 00" in message, message


def test_a_partition_missing_rows_is_refused(single):
    ids = list(dict.fromkeys(single["scenario_id"]))
    check_partition(single, 0, ids, DEPS, changed_only=False)
    with pytest.raises(PartitionError, match=r"partition 3 .*99 rows, expected 50 scenarios × 2"):
        check_partition(single.iloc[1:], 3, ids, DEPS, changed_only=False)
    with pytest.raises(PartitionError, match="scenarios it was not given"):
        check_partition(single, 4, ids[:10], DEPS, changed_only=False)


def test_bad_scenario_file(inputs, tmp_path):
    bad = tmp_path / "noscenario.csv"
    bad.write_text("site_id\n00001A\n")
    with pytest.raises(maillage.MaillageError, match="noscenario.csv"):
        closures(*inputs, scenarios=bad, departements=["48"])
    some = tmp_path / "some.csv"
    some.write_text("scenario_id,site_id\na,nope\nb,00001A\n")
    frame = closures(*inputs, scenarios=some, departements=["01"])
    report = frame.attrs["load_reports"][-1]
    assert report["skipped"] == {"unknown site id": 1, "scenario with no known site to close": 1}
    assert list(frame["scenario_id"]) == ["b"]
