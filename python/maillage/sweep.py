"""Closure scenarios (``maillage closures``) from Python, on one machine or
spread over a Dask cluster.

:func:`closures` runs a sweep (or one partition of it) in Rust and returns
the rows of ``scenarios.csv`` as a DataFrame: one row per scenario and
département (docs/SCHEMAS.md). :func:`closures_dask` cuts a sweep into
partitions — chunks of scenarios, and optionally one group of
départements each — and has each Dask task call :func:`closures` on its
partition. maillage has no cluster code of its own: the scheduler is
Dask's; every task reads the input files itself (give paths every worker
can read), and the partitions' frames are concatenated into one, checked
row by row against the scenarios × départements expected.
"""

from __future__ import annotations

import io
import os
from typing import Iterable, List, Optional, Sequence, Union

import pandas as pd

from . import _maillage

__all__ = ["closures", "closure_scenarios", "closures_dask", "SCENARIO_COLUMNS",
           "PartitionError"]

PathLike = Union[str, os.PathLike]

#: The columns of ``scenarios.csv``, in order (docs/SCHEMAS.md).
SCENARIO_COLUMNS = (
    "scenario_id", "sites_closed", "departement", "population", "beyond_now",
    "beyond_after", "newly_beyond", "units_newly_beyond", "share_beyond_now",
    "share_beyond_after", "complies_now", "complies_after",
)
_TEXT = {"scenario_id": str, "departement": str}


class PartitionError(RuntimeError):
    """A partition of a distributed sweep failed, or came back incomplete."""


def _paths(paths: Iterable[PathLike]) -> List[str]:
    return [os.fspath(p) for p in paths]


def _opt(path: Optional[PathLike]) -> Optional[str]:
    return os.fspath(path) if path is not None else None


def _scenarios_arg(scenarios: Union[str, PathLike]) -> str:
    return scenarios if scenarios == "each" else os.fspath(scenarios)


def _frame(text: str) -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(text), dtype=_TEXT, keep_default_na=False)
    for c in ("complies_now", "complies_after"):
        frame[c] = frame[c].map({"true": True, "false": False, True: True, False: False})
    return frame


def closures(points: PathLike, communes: PathLike, population: PathLike, *,
             scenarios: Union[str, PathLike] = "each", partners: Iterable[PathLike] = (),
             assignments: Optional[PathLike] = None, service: str = "postal",
             radius_m: Optional[float] = None, minutes: Optional[float] = None,
             model: str = "centroid", departements: Optional[Sequence[str]] = None,
             scenario_ids: Optional[Sequence[str]] = None,
             changed_only: bool = False) -> pd.DataFrame:
    """Closure scenarios measured on every département's legal test
    (``maillage closures``): a DataFrame with the columns of
    ``scenarios.csv``.

    ``scenarios`` is ``"each"`` (every single closure of a site offering
    ``service``) or the path of a ``scenario_id,site_id`` CSV (several rows
    per scenario: sites closed together). ``scenario_ids`` and
    ``departements`` restrict the run to a partition. ``radius_m`` defaults
    to the law's 5,000 m; ``minutes`` adds a crow-flies car time (as
    ``plan``). ``attrs["load_reports"]`` holds the load reports.
    """
    from . import _reports
    text, reports = _maillage.closures(
        os.fspath(points), os.fspath(communes), os.fspath(population),
        scenarios=_scenarios_arg(scenarios), partners=_paths(partners),
        assignments=_opt(assignments), service=service, radius_m=radius_m,
        minutes=minutes, model=model,
        departements=list(departements) if departements is not None else None,
        scenario_ids=list(scenario_ids) if scenario_ids is not None else None,
        changed_only=changed_only)
    frame = _frame(text)
    frame.attrs["load_reports"] = _reports(reports)
    return frame


def closure_scenarios(points: PathLike, *, scenarios: Union[str, PathLike] = "each",
                      partners: Iterable[PathLike] = (),
                      assignments: Optional[PathLike] = None,
                      service: str = "postal") -> List[str]:
    """The ids of the scenarios a sweep runs, in its order (the sites
    offering ``service`` for ``"each"``; a CSV's scenarios after its
    checks): what :func:`closures_dask` partitions."""
    ids, _ = _maillage.closure_scenarios(
        os.fspath(points), scenarios=_scenarios_arg(scenarios), partners=_paths(partners),
        assignments=_opt(assignments), service=service)
    return list(ids)


def _partition(index: int, scenario_ids: List[str], departements: Optional[List[str]],
               kwargs: dict) -> pd.DataFrame:
    """One Dask task: the Rust sweep on one partition."""
    return closures(scenario_ids=scenario_ids, departements=departements, **kwargs)


def _describe(index: int, ids: Sequence[str], departements: Optional[Sequence[str]]) -> str:
    deps = ", ".join(departements) if departements is not None else "all"
    first, last = (ids[0], ids[-1]) if ids else ("", "")
    return (f"partition {index} (scenarios {first}…{last}, {len(ids)} of them; "
            f"départements {deps})")


def check_partition(frame: pd.DataFrame, index: int, ids: Sequence[str],
                    departements: Optional[Sequence[str]], changed_only: bool) -> None:
    """Raises :class:`PartitionError` unless ``frame`` holds what partition
    ``index`` must: every row one of its scenarios, and (all rows written)
    exactly one row per scenario × département, the same départements for
    every scenario — those asked for, when given."""
    what = _describe(index, ids, departements)
    wanted = set(ids)
    extra = set(frame["scenario_id"]) - wanted
    if extra:
        raise PartitionError(f"{what}: rows for scenarios it was not given: "
                             f"{sorted(extra)[:5]}")
    if changed_only:
        return
    deps = (sorted(set(departements)) if departements is not None
            else sorted(set(frame["departement"])))
    expected = len(ids) * len(deps)
    if len(frame) != expected or frame.duplicated(["scenario_id", "departement"]).any():
        missing = wanted - set(frame["scenario_id"])
        raise PartitionError(
            f"{what}: {len(frame)} rows, expected {len(ids)} scenarios × {len(deps)} "
            f"départements = {expected}"
            + (f"; scenarios missing: {sorted(missing)[:5]}" if missing else ""))


def closures_dask(client, points: PathLike, communes: PathLike, population: PathLike, *,
                  scenarios: Union[str, PathLike] = "each", chunk: int = 2000,
                  departements: Optional[Sequence[str]] = None,
                  departement_groups: Optional[Sequence[Sequence[str]]] = None,
                  changed_only: bool = False, **options) -> pd.DataFrame:
    """A sweep spread over a Dask cluster (``client``: a
    ``distributed.Client``): the scenarios cut into chunks of ``chunk``,
    each chunk run once per group of ``departement_groups`` (default: one
    group, ``departements`` or every département). Each task calls
    :func:`closures` on its partition; the frames are concatenated in the
    order of the single-machine run (scenarios in order, départements by
    code), so the result equals ``closures(...)`` run on one machine.

    A task that fails raises :class:`PartitionError` naming its partition
    (its scenarios and départements) with the worker's error; a partition
    that comes back without its expected rows raises too, and so does a
    total that is not scenarios × départements. ``options`` are those of
    :func:`closures` (``model``, ``radius_m``, ``minutes``, ``partners``...).
    Paths must be readable from every worker.
    """
    from distributed import wait

    if chunk < 1:
        raise ValueError(f"chunk must be ≥ 1, got {chunk}")
    if departements is not None and departement_groups is not None:
        raise ValueError("give departements or departement_groups, not both")
    ids = closure_scenarios(points, scenarios=scenarios,
                            partners=options.get("partners", ()),
                            assignments=options.get("assignments"),
                            service=options.get("service", "postal"))
    groups: List[Optional[List[str]]]
    if departement_groups is not None:
        groups = [list(g) for g in departement_groups]
        flat = [d for g in groups for d in g]
        if len(flat) != len(set(flat)):
            raise ValueError("a département is in two groups")
    else:
        groups = [list(departements) if departements is not None else None]
    kwargs = dict(options, points=os.fspath(points), communes=os.fspath(communes),
                  population=os.fspath(population), scenarios=_scenarios_arg(scenarios),
                  changed_only=changed_only)
    kwargs["partners"] = _paths(kwargs.get("partners", ()))
    if kwargs.get("assignments") is not None:
        kwargs["assignments"] = os.fspath(kwargs["assignments"])
    parts = []
    for start in range(0, len(ids), chunk):
        for group in groups:
            parts.append((len(parts), ids[start:start + chunk], group))
    futures = [client.submit(_partition, i, part_ids, group, kwargs, pure=False,
                             key=f"maillage-closures-{i}-{os.getpid()}-{id(kwargs)}")
               for i, part_ids, group in parts]
    wait(futures)
    frames = []
    for (i, part_ids, group), future in zip(parts, futures):
        if future.status != "finished":
            error = future.exception()
            raise PartitionError(f"{_describe(i, part_ids, group)} failed on its worker: "
                                 f"{type(error).__name__}: {error}") from error
        frame = future.result()
        check_partition(frame, i, part_ids, group, changed_only)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else _frame(
        ",".join(SCENARIO_COLUMNS) + "\n")
    order = {s: k for k, s in enumerate(ids)}
    out = (out.assign(_order=out["scenario_id"].map(order))
              .sort_values(["_order", "departement"], kind="stable")
              .drop(columns="_order")
              .reset_index(drop=True))
    if not changed_only:
        deps = out["departement"].nunique()
        if len(out) != len(ids) * deps or set(out["scenario_id"]) != set(ids):
            raise PartitionError(f"the sweep holds {len(out)} rows, expected {len(ids)} "
                                 f"scenarios × {deps} départements = {len(ids) * deps}")
    reports = frames[0].attrs.get("load_reports", []) if frames else []
    out.attrs["load_reports"] = reports
    out.attrs["partitions"] = len(parts)
    return out
