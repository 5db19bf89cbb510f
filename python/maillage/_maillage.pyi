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
