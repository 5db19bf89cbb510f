"""Shared fixtures: the real data of $MAILLAGE_DATA (default ../shared/data,
relative to the repository root)."""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("MAILLAGE_DATA", ROOT.parent / "shared" / "data"))
if not DATA.is_absolute():
    DATA = (ROOT / DATA).resolve()


def data(name: str) -> Path:
    path = DATA / name
    if not path.is_file():
        pytest.fail(f"missing data file {path} (set MAILLAGE_DATA)")
    return path


@pytest.fixture(scope="session")
def qpv_path():
    return data("qpv_2024_national.geojson")


@pytest.fixture(scope="session")
def points_path():
    return data("laposte_points_contact_2025.csv")


@pytest.fixture(scope="session")
def qpv_gdf(qpv_path):
    import geopandas as gpd
    return gpd.read_file(qpv_path)


@pytest.fixture(scope="session")
def national(points_path, qpv_path):
    """The national QPV 2024 × La Poste 2025 postal coverage, from paths."""
    import maillage
    return maillage.coverage(points_path, qpv_path, kind="qpv", service="postal")
