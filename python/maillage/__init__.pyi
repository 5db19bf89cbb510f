import os
from typing import Any, Iterable, Optional, Sequence, Union

import geopandas
import pandas

PathLike = Union[str, os.PathLike[str]]

COVERAGE_COLUMNS: tuple[str, ...]

class MaillageError(ValueError):
    """An error of maillage: the same message as the command line's."""

def coverage(
    points: Union[PathLike, pandas.DataFrame],
    territories: Union[PathLike, geopandas.GeoDataFrame],
    *,
    kind: Optional[str] = ...,
    service: Union[None, str, Iterable[str]] = ...,
    partners: Iterable[PathLike] = ...,
    radius_m: Optional[float] = ...,
) -> geopandas.GeoDataFrame: ...
def access(
    points: PathLike,
    communes: PathLike,
    population: PathLike,
    *,
    partners: Iterable[PathLike] = ...,
    assignments: Optional[PathLike] = ...,
    service: str = ...,
    radius_m: Optional[float] = ...,
    minutes: Optional[float] = ...,
    model: str = ...,
) -> pandas.DataFrame: ...
def programmes(
    points: PathLike,
    *,
    partners: Iterable[PathLike] = ...,
    assignments: Optional[PathLike] = ...,
    rules: Optional[PathLike] = ...,
) -> pandas.DataFrame: ...
def compare(
    before: Optional[PathLike] = ...,
    after: Optional[PathLike] = ...,
    *,
    points_before: Optional[PathLike] = ...,
    points_after: Optional[PathLike] = ...,
    tolerance_m: float = ...,
) -> dict[str, pandas.DataFrame]: ...

def plan(
    points: PathLike,
    *,
    territories: Optional[PathLike] = ...,
    kind: Optional[str] = ...,
    communes: Optional[PathLike] = ...,
    population: Optional[PathLike] = ...,
    model: Optional[str] = ...,
    partners: Iterable[PathLike] = ...,
    assignments: Optional[PathLike] = ...,
    programmes: Optional[PathLike] = ...,
    service: str = ...,
    candidates: str = ...,
    add: Optional[int] = ...,
    target_share: Optional[float] = ...,
    comply: bool = ...,
    close: Optional[PathLike] = ...,
    radius_m: Optional[float] = ...,
    minutes: Optional[float] = ...,
    combine: Optional[str] = ...,
    weight: Optional[str] = ...,
    weights: Optional[PathLike] = ...,
    weights_id: Optional[str] = ...,
    priority: Optional[str] = ...,
    commune_table: Optional[PathLike] = ...,
    frr: Optional[PathLike] = ...,
    capacity: Optional[float] = ...,
    capacity_of: Optional[str] = ...,
) -> dict[str, Any]: ...
