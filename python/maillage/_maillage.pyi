from typing import Any, Optional, Sequence, Union

class MaillageError(ValueError): ...

def coverage(
    points: Union[str, dict[str, Any]],
    territories: Union[str, dict[str, Any]],
    *,
    kind: Optional[str] = ...,
    services: Optional[Sequence[str]] = ...,
    partners: Sequence[str] = ...,
    radius_m: Optional[float] = ...,
) -> tuple[dict[str, list[Any]], list[Optional[bytes]], list[dict[str, Any]]]: ...
def access(
    points: str,
    communes: str,
    population: str,
    *,
    partners: Sequence[str] = ...,
    assignments: Optional[str] = ...,
    service: str = ...,
    radius_m: Optional[float] = ...,
    minutes: Optional[float] = ...,
    model: str = ...,
) -> tuple[str, str, list[dict[str, Any]]]: ...
def programmes(
    points: str,
    *,
    partners: Sequence[str] = ...,
    assignments: Optional[str] = ...,
    rules: Optional[str] = ...,
) -> tuple[str, list[dict[str, Any]]]: ...
def compare(
    before: Optional[str] = ...,
    after: Optional[str] = ...,
    *,
    points_before: Optional[str] = ...,
    points_after: Optional[str] = ...,
    tolerance_m: float = ...,
) -> tuple[list[tuple[str, str]], Optional[tuple[int, int]], list[dict[str, Any]]]: ...

def plan(
    points: str,
    *,
    territories: Optional[str] = ...,
    kind: Optional[str] = ...,
    communes: Optional[str] = ...,
    population: Optional[str] = ...,
    model: Optional[str] = ...,
    partners: list[str] = ...,
    assignments: Optional[str] = ...,
    programmes: Optional[str] = ...,
    service: str = ...,
    candidates: str = ...,
    add: Optional[int] = ...,
    target_share: Optional[float] = ...,
    comply: bool = ...,
    close: Optional[str] = ...,
    radius_m: Optional[float] = ...,
    minutes: Optional[float] = ...,
    combine: Optional[str] = ...,
    weight: Optional[str] = ...,
    weights: Optional[str] = ...,
    weights_id: Optional[str] = ...,
    priority: Optional[str] = ...,
    commune_table: Optional[str] = ...,
    frr: Optional[str] = ...,
    capacity: Optional[float] = ...,
    capacity_of: Optional[str] = ...,
    search_seconds: Optional[float] = ...,
) -> tuple[list[tuple[str, str]], str, list[dict[str, Any]]]: ...
def closures(
    points: str,
    communes: str,
    population: str,
    *,
    scenarios: str = ...,
    partners: Sequence[str] = ...,
    assignments: Optional[str] = ...,
    service: str = ...,
    radius_m: Optional[float] = ...,
    minutes: Optional[float] = ...,
    model: str = ...,
    departements: Optional[Sequence[str]] = ...,
    scenario_ids: Optional[Sequence[str]] = ...,
    changed_only: bool = ...,
) -> tuple[str, list[dict[str, Any]]]: ...
def closure_scenarios(
    points: str,
    *,
    scenarios: str = ...,
    partners: Sequence[str] = ...,
    assignments: Optional[str] = ...,
    service: str = ...,
) -> tuple[list[str], list[dict[str, Any]]]: ...
