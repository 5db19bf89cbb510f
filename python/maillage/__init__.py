"""maillage from Python: coverage, the legal access test and the programmes'
hosts as (Geo)DataFrames, computed by the Rust library with the GIL released.

Inputs are paths (any format the ``maillage`` command reads: the same
readers, the same checks, the same error messages) or (Geo)DataFrames.

What is copied when a frame is given:

* territories (GeoDataFrame): reprojected to EPSG:4326 if needed
  (``to_crs``, by GeoPandas), then turned into an Arrow table with
  ``to_arrow(geometry_encoding="WKB")``. The WKB column's two contiguous
  Arrow buffers (offsets and bytes) are read in place by Rust, by address;
  no coordinate goes through a Python object. The attribute columns
  (id, name, population, département...) are handed over as lists of text
  (one Python string per cell).
* points (DataFrame): ``longitude`` and ``latitude`` as contiguous float64
  NumPy arrays read in place by Rust (a copy only if the column is not
  already contiguous float64); ``id``, ``name``, ``kind`` and ``services``
  as lists of text.

Outputs: the result columns are built in Rust and handed over as Python
lists; geometries come back as WKB (EPSG:4326, rounded to 7 decimals, valid:
what ``coverage.geojson`` holds), decoded by Shapely.

Load reports (one per input: rows read, kept, skipped by reason) are in
``result.attrs["load_reports"]``: a list of dicts with keys ``source``,
``read``, ``kept``, ``skipped`` (reason -> count), ``notes`` and ``text``
(the report as the command line prints it).
"""

from __future__ import annotations

import io
import os
from typing import Iterable, Optional, Sequence, Union

import numpy as np
import pandas as pd

from ._maillage import MaillageError
from . import _maillage

__all__ = ["coverage", "access", "programmes", "compare", "plan", "MaillageError", "COVERAGE_COLUMNS"]

#: The columns of ``coverage.csv``, in order (docs/SCHEMAS.md).
COVERAGE_COLUMNS = (
    "territory_id", "name", "kind", "departement", "population", "service",
    "rule", "radius_m", "points_inside", "points_within_radius", "nearest_m",
    "nearest_id", "nearest_name", "nearest_kind", "served", "status",
)
_INTEGER = ("population", "points_inside", "points_within_radius")

PathLike = Union[str, os.PathLike]

#: Point columns looked for, in order (first present wins).
_POINT_COLUMNS = {
    "ids": ("id", "identifiant", "identifiant_du_point_de_contact", "identifiant_a"),
    "names": ("name", "nom", "libelle_du_site", "libelle"),
    "kinds": ("kind", "type"),
    "services": ("services", "service"),
    "longitude": ("longitude", "lon", "lng", "x"),
    "latitude": ("latitude", "lat", "y"),
}
_POLYGONAL = {"Polygon", "MultiPolygon"}


def _is_frame(obj) -> bool:
    return isinstance(obj, pd.DataFrame)


def _column(frame: pd.DataFrame, names: Sequence[str]):
    lower = {str(c).lower(): c for c in frame.columns}
    for n in names:
        if n in frame.columns:
            return n
    for n in names:
        if n in lower:
            return lower[n]
    return None


def _text(series: pd.Series) -> list:
    """A column as a list of text (None for nulls); whole floats without
    their ``.0`` (a population read as float)."""
    def cell(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v)
    return [cell(v) for v in series.tolist()]


def _territory_frame(gdf, source: str) -> dict:
    import geopandas as gpd
    import pyarrow as pa

    if not isinstance(gdf, gpd.GeoDataFrame) or gdf._geometry_column_name not in gdf.columns:
        raise MaillageError(f"{source}: territories must be a GeoDataFrame with a geometry column")
    if len(gdf) == 0:
        raise MaillageError(f"{source}: the GeoDataFrame has no rows: nothing to measure")
    if gdf.crs is None:
        raise MaillageError(
            f"{source} has an undefined CRS: set it with gdf.set_crs('EPSG:<code>') "
            "(EPSG:4326 for longitude/latitude, EPSG:2154 for Lambert-93)")
    types = gdf.geom_type.dropna()
    other = types[~types.isin(list(_POLYGONAL))]
    if len(other):
        counts = ", ".join(f"{k}: {v}" for k, v in other.value_counts().items())
        raise MaillageError(
            f"{source}: mixed geometry types: {len(other)} of {len(gdf)} geometries are not "
            f"polygons ({counts}); territories are Polygon or MultiPolygon "
            "(keep them with gdf[gdf.geom_type.isin(['Polygon', 'MultiPolygon'])])")
    if not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs(4326)
    geometry_name = gdf.geometry.name
    table = pa.table(gdf[[geometry_name]].to_arrow(geometry_encoding="WKB"))
    wkb = table.column(geometry_name).combine_chunks()
    if isinstance(wkb, pa.ExtensionArray):
        wkb = wkb.storage
    if pa.types.is_large_binary(wkb.type):
        width = 8
    elif pa.types.is_binary(wkb.type):
        width = 4
    else:
        raise MaillageError(f"{source}: the geometry column is not WKB ({wkb.type})")
    _, offsets, data = wkb.buffers()
    start = wkb.offset * width
    nulls = [i for i, v in enumerate(wkb.is_null().to_pylist()) if v] if wkb.null_count else []
    columns = [(str(c), _text(gdf[c])) for c in gdf.columns if c != geometry_name]
    return {
        "source": source,
        "rows": len(wkb),
        "offsets": (offsets, offsets.address + start, offsets.size - start),
        "offset_width": width,
        "data": (data, data.address if data is not None else 0, data.size if data is not None else 0),
        "nulls": nulls,
        "columns": columns,
    }


def _point_frame(df: pd.DataFrame, source: str) -> dict:
    if len(df) == 0:
        raise MaillageError(f"{source}: the DataFrame has no rows: no service point")
    found = {k: _column(df, names) for k, names in _POINT_COLUMNS.items()}
    for k in ("ids", "longitude", "latitude"):
        if found[k] is None:
            raise MaillageError(
                f"{source}: missing field {' or '.join(_POINT_COLUMNS[k])} "
                "(points need an id, a longitude and a latitude)")
    out = {"source": source, "rows": len(df)}
    for k in ("longitude", "latitude"):
        values = pd.to_numeric(df[found[k]], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        values = np.ascontiguousarray(values)
        out[k] = (values, values.ctypes.data, values.nbytes)
    for k in ("ids", "names", "kinds", "services"):
        out[k] = _text(df[found[k]]) if found[k] is not None else None
    return out


def _source(obj, what: str):
    if _is_frame(obj):
        return obj
    if isinstance(obj, (str, os.PathLike)):
        return os.fspath(obj)
    raise MaillageError(f"{what}: expected a path or a (Geo)DataFrame, got {type(obj).__name__}")


def _reports(reports) -> list:
    return [dict(r) for r in reports]


def coverage(points, territories, *, kind: Optional[str] = None,
             service: Union[None, str, Iterable[str]] = None,
             partners: Iterable[PathLike] = (), radius_m: Optional[float] = None):
    """Which territories each service serves: the rows of ``coverage.csv``.

    Parameters
    ----------
    points : path or DataFrame
        La Poste points de contact CSV (as ``--points``), or a DataFrame with
        ``id``, ``longitude``, ``latitude`` (float, WGS84) and optionally
        ``name``, ``kind`` (``bureau_de_poste``, ``agence_postale_communale``,
        ...) and ``services`` (names separated by ``;``; without that column
        every point offers ``postal``).
    territories : path or GeoDataFrame
        Territory polygons: any format the command line reads, or a
        GeoDataFrame with a CRS (reprojected to EPSG:4326) and the id column
        of its kind (``code_qp`` for QPV, ``insee_dep`` for départements...).
    kind : str, optional
        ``qpv``, ``commune``, ``rural_zone``, ``departement`` or ``custom``:
        sets the id field and the default rule. None is the command line's
        ``--kind`` left out: without an id field it is refused, with the
        command line's message (give ``kind="qpv"`` for QPV).
    service : str or list of str, optional
        Services measured; None: every service some site offers.
    partners : paths
        Partner site files (as ``--partners``).
    radius_m : float, optional
        Served within this many metres, for every kind (default: the
        per-kind rules, 500 m for QPV).

    What is copied: a GeoDataFrame's WKB column (Arrow offsets and bytes)
    and a DataFrame's longitude/latitude (float64 arrays) are read in place
    by Rust, by address, while the call holds them; a GeoDataFrame not in
    EPSG:4326 is first reprojected by GeoPandas (a new frame); attribute
    columns (ids, names, kinds, services, population, département) go over
    as lists of Python strings. Do not modify the frames from another
    thread during the call (the GIL is released while Rust reads them).

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of ``coverage.csv`` in order, plus ``geometry``
        (EPSG:4326). ``attrs["load_reports"]``: one dict per input.

    Raises
    ------
    MaillageError
        On bad input, with the command line's message.
    """
    import geopandas as gpd
    import shapely

    pts = _source(points, "points")
    ter = _source(territories, "territories")
    if _is_frame(pts):
        pts = _point_frame(pts, "points DataFrame")
    if _is_frame(ter):
        ter = _territory_frame(ter, "territories GeoDataFrame")
    if isinstance(service, str):
        service = [service]
    elif service is not None:
        service = list(service)
    columns, geometry, reports = _maillage.coverage(
        pts, ter, kind=kind, services=service,
        partners=[os.fspath(p) for p in partners], radius_m=radius_m)
    frame = pd.DataFrame({name: columns[name] for name in COVERAGE_COLUMNS})
    for name in _INTEGER:
        frame[name] = pd.array(columns[name], dtype="Int64")
    frame["served"] = frame["served"].astype(bool)
    for name in ("radius_m", "nearest_m"):
        frame[name] = pd.to_numeric(frame[name]).astype(float)
    geoms = shapely.from_wkb(np.array(geometry, dtype=object))
    out = gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")
    out.attrs["load_reports"] = _reports(reports)
    return out


def _csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype={"dep": str, "departement": str, "site_id": str})


def access(points: PathLike, communes: PathLike, population: PathLike, *,
           partners: Iterable[PathLike] = (), assignments: Optional[PathLike] = None,
           service: str = "postal", radius_m: Optional[float] = None,
           minutes: Optional[float] = None, model: str = "centroid") -> pd.DataFrame:
    """The legal test per département (``maillage access``): a DataFrame with
    the columns of ``departements.csv``.

    ``points``, ``communes`` (polygons) and ``population`` (commune table) are
    paths, read as the command line reads them. ``radius_m`` defaults to the
    law's 5,000 m; ``model`` is ``centroid``, ``grid``, ``grid:<m>`` or
    ``filosofi:<csv>``. ``attrs["load_reports"]`` holds the load reports,
    ``attrs["compliance"]`` the verdicts in words.
    """
    text, compliance, reports = _maillage.access(
        os.fspath(points), os.fspath(communes), os.fspath(population),
        partners=[os.fspath(p) for p in partners],
        assignments=os.fspath(assignments) if assignments is not None else None,
        service=service, radius_m=radius_m, minutes=minutes, model=model)
    frame = _csv(text)
    frame.attrs["load_reports"] = _reports(reports)
    frame.attrs["compliance"] = compliance
    return frame


def programmes(points: PathLike, *, partners: Iterable[PathLike] = (),
               assignments: Optional[PathLike] = None,
               rules: Optional[PathLike] = None) -> pd.DataFrame:
    """The programmes' hosts derived from open evidence (``maillage
    programmes``): a DataFrame with the columns of ``programmes.csv``.
    ``attrs["load_reports"]`` holds the load reports."""
    text, reports = _maillage.programmes(
        os.fspath(points), partners=[os.fspath(p) for p in partners],
        assignments=os.fspath(assignments) if assignments is not None else None,
        rules=os.fspath(rules) if rules is not None else None)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame.attrs["load_reports"] = _reports(reports)
    return frame


def compare(before: Optional[PathLike] = None, after: Optional[PathLike] = None, *,
            points_before: Optional[PathLike] = None, points_after: Optional[PathLike] = None,
            tolerance_m: float = 100.0) -> dict:
    """What changed (``maillage compare``): between two ``coverage`` output
    folders (``before``, ``after``) and/or two networks of sites
    (``points_before``, ``points_after``: La Poste or partner files).

    Returns a dict of DataFrames by the name of the file the command line
    writes: ``changes`` and ``departements_changes`` (two runs),
    ``points_changes`` (two networks), each with the columns of that file
    (docs/SCHEMAS.md). Every frame's ``attrs["load_reports"]`` holds the load
    reports; ``points_changes.attrs["sites"]`` is ``(before, after)``, the
    sites read in each network.
    """
    f = lambda p: os.fspath(p) if p is not None else None  # noqa: E731
    tables, counts, reports = _maillage.compare(
        f(before), f(after), points_before=f(points_before), points_after=f(points_after),
        tolerance_m=tolerance_m)
    out = {}
    for name, text in tables:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        frame.attrs["load_reports"] = _reports(reports)
        key = name[:-4]
        if key == "points_changes":
            frame.attrs["sites"] = counts
        out[key] = frame
    return out


def plan(points: PathLike, *, territories: Optional[PathLike] = None,
         kind: Optional[str] = None, communes: Optional[PathLike] = None,
         population: Optional[PathLike] = None, model: Optional[str] = None,
         partners: Iterable[PathLike] = (), assignments: Optional[PathLike] = None,
         programmes: Optional[PathLike] = None, service: str = "postal",
         candidates: str = "bureau_de_poste", add: Optional[int] = None,
         target_share: Optional[float] = None, comply: bool = False,
         close: Optional[PathLike] = None, radius_m: Optional[float] = None,
         minutes: Optional[float] = None, combine: Optional[str] = None,
         weight: Optional[str] = None, weights: Optional[PathLike] = None,
         weights_id: Optional[str] = None, priority: Optional[str] = None,
         commune_table: Optional[PathLike] = None, frr: Optional[PathLike] = None,
         capacity: Optional[float] = None, capacity_of: Optional[str] = None,
         search_seconds: Optional[float] = None) -> dict:
    """Where the next sites of a service should go (``maillage plan``).

    The demand is ``territories`` (QPV, communes, any layer; ``kind`` as the
    command line's ``--kind``), or the population of ``communes`` placed by
    ``model`` (``centroid``, ``grid``, ``grid:<m>``, ``filosofi:<csv>``;
    default ``grid`` when ``population`` is given). Give one goal: ``add``
    (the k sites that reach the most), ``target_share`` (the fewest sites
    until a share is reached) or ``comply=True`` (the law per département).
    The other arguments are the command line's options of the same name
    (``weight="count"``, ``weight="column:tp60"`` with ``weights=``,
    ``priority="qpv=2,frr=1.5"``, ``capacity=``, ``programmes="auto"``...);
    ``search_seconds`` is ``--search``, the time budget of the swaps, the
    kicks and the bound (default 6 s).

    Returns a dict: ``sites`` (a GeoDataFrame of ``sites.csv``, points in
    EPSG:4326), ``impact`` (``impact.csv``), and ``plan`` (``plan.json`` as a
    dict: the claimed and the measured figures, ``met``, the bound and the
    gap). A plan whose measured figure misses its target is returned with
    ``plan["met"]`` false (the command line exits 1 then).
    ``sites.attrs["load_reports"]`` holds the load reports.
    """
    import json
    import geopandas as gpd

    f = lambda p: os.fspath(p) if p is not None else None  # noqa: E731
    tables, plan_json, reports = _maillage.plan(
        os.fspath(points), territories=f(territories), kind=kind, communes=f(communes),
        population=f(population), model=model, partners=[os.fspath(p) for p in partners],
        assignments=f(assignments),
        programmes=f(programmes) if programmes != "auto" else "auto", service=service,
        candidates=os.fspath(candidates), add=add, target_share=target_share, comply=comply,
        close=f(close), radius_m=radius_m, minutes=minutes, combine=combine, weight=weight,
        weights=f(weights), weights_id=weights_id, priority=priority,
        commune_table=f(commune_table), frr=f(frr), capacity=capacity,
        capacity_of=capacity_of, search_seconds=search_seconds)
    out = {"plan": json.loads(plan_json)}
    for name, text in tables:
        frame = pd.read_csv(io.StringIO(text), dtype={"site_id": str, "departement": str},
                            keep_default_na=False)
        if name == "sites.csv":
            frame = gpd.GeoDataFrame(
                frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
            frame.attrs["load_reports"] = _reports(reports)
        out[name[:-4]] = frame
    return out
