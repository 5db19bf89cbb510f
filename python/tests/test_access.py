"""maillage.access and maillage.programmes on the real data."""
import maillage
from conftest import data


def test_the_legal_test_per_departement():
    # The 2016 network, commune centroids, 5 km: the figures of docs/GUIDE.md,
    # cross-checked with GeoPandas (tools/crosscheck/departements_access.py).
    deps = maillage.access(data("laposte_points_contact_2016.csv"),
                           data("communes_2018_simplified.geojson"),
                           data("communes_france.csv"))
    assert list(deps.columns[:5]) == ["dep", "population", "population_beyond",
                                      "share_beyond", "compliant"]
    d = deps.set_index("dep")
    assert (d.loc["973", "population_beyond"], d.loc["973", "population"]) == (167086, 293996)
    assert (d.loc["974", "population_beyond"], d.loc["974", "population"]) == (102462, 889679)
    assert not d.loc["973", "compliant"] and d.loc["75", "compliant"]
    assert d.loc["2A", "population"] > 0  # codes stay text
    assert d.loc["FR", "population"] == 68345553
    assert d.loc["FR", "population_beyond"] == 1248451
    assert "973" in deps.attrs["compliance"]
    assert len(deps.attrs["load_reports"]) == 3


def test_programmes_hosts():
    hosts = maillage.programmes(data("laposte_points_contact_2025.csv"),
                                partners=[data("france_services_2024-08.csv")])
    assert "site_id" in hosts.columns and "service" in hosts.columns
    assert len(hosts) > 0
    assert hosts.attrs["load_reports"][0]["kept"] > 17000


def test_the_network_compared_2016_to_2025():
    # The figures of docs/GUIDE.md, equal to an independent pandas/pyproj
    # computation (docs/VALIDATION.md, "Networks 2016 → 2025").
    out = maillage.compare(points_before=data("laposte_points_contact_2016.csv"),
                           points_after=data("laposte_points_contact_2025.csv"))
    assert list(out) == ["points_changes"]
    changes = out["points_changes"]
    assert changes.attrs["sites"] == (17188, 17965)
    counts = changes["change"].value_counts().to_dict()
    assert counts == {"opened": 2517, "closed": 1740, "moved": 1963, "kind_changed": 1440,
                      "moved_and_kind_changed": 114}


def test_compare_without_a_pair_is_an_error():
    import pytest
    with pytest.raises(maillage.MaillageError):
        maillage.compare(points_before=data("laposte_points_contact_2016.csv"))
