"""Services within an organisation, declared in a small YAML file.

An NHS Talking Therapies service, say, is a subset of its trust's export.  A
service file says which assignments belong to it, by organisation level, cost
centre, area of work, job role, staff group or occupation code::

    name: NHS Talking Therapies
    description: Psychological therapies for anxiety and depression.
    match: any            # an assignment belongs if it meets ANY criterion (or: all)
    criteria:
      org_l4: [NHS Talking Therapies]
      cost_centre: [TT100]
      job_role:
        - Psychological Wellbeing Practitioner
        - High Intensity Therapist

Values are compared ignoring case and extra spaces.  Every analysis runs the
same on the narrowed table (:meth:`workforce.StaffTable.for_service`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..errors import ServiceDefinitionError

__all__ = ["Service", "read_service", "SERVICE_COLUMNS"]

#: Columns a service may be defined by.
SERVICE_COLUMNS = ("organisation", *(f"org_l{i}" for i in range(1, 8)), "cost_centre", "area_of_work",
                   "job_role", "staff_group", "occupation_code")


def _key(value: object) -> str:
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class Service:
    """A service: a named rule picking assignments out of a staff table.

    Examples
    --------
    >>> svc = Service("Therapies", {"job_role": ["High Intensity Therapist"]})
    >>> frame = pd.DataFrame({"job_role": ["high intensity  therapist", "Staff Nurse"]})
    >>> svc.matches(frame).tolist()
    [True, False]
    """

    name: str
    criteria: dict[str, list[str]] = field(default_factory=dict)
    match: str = "any"
    description: str = ""

    def __post_init__(self) -> None:
        if not self.criteria:
            raise ServiceDefinitionError(f"service {self.name!r} has no criteria; give at least one of {list(SERVICE_COLUMNS)}.")
        unknown = set(self.criteria) - set(SERVICE_COLUMNS)
        if unknown:
            raise ServiceDefinitionError(
                f"service {self.name!r}: cannot select by {sorted(unknown)}; valid columns are {list(SERVICE_COLUMNS)}.")
        if self.match not in ("any", "all"):
            raise ServiceDefinitionError(f"service {self.name!r}: match must be 'any' or 'all', not {self.match!r}.")

    def matches(self, assignments: pd.DataFrame) -> pd.Series:
        """Boolean mask of the assignments that belong to the service."""
        tests = []
        for column, values in self.criteria.items():
            wanted = {_key(v) for v in values}
            col = assignments[column]
            tests.append(col.astype("str").map(_key).isin(wanted) & col.notna())
        combined = pd.concat(tests, axis=1)
        return (combined.any(axis=1) if self.match == "any" else combined.all(axis=1)).astype(bool)

    def describe(self, n_assignments: int, n_people: int) -> str:
        """One line for the report."""
        rule = f" {self.match.upper()} of: " + "; ".join(f"{c} in {v}" for c, v in self.criteria.items())
        return f"Narrowed to the service '{self.name}' ({n_people:,} people, {n_assignments:,} assignments), matching{rule}."


def read_service(path: str | Path) -> Service:
    """Read a service definition from YAML.

    Examples
    --------
    >>> from workforce import sample_data
    >>> read_service(sample_data("talking_therapies_service.yaml")).name
    'NHS Talking Therapies'
    """
    path = Path(path)
    if not path.is_file():
        raise ServiceDefinitionError(f"service file {str(path)!r} does not exist.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ServiceDefinitionError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or "name" not in data:
        raise ServiceDefinitionError(f"{path} must be a mapping with at least 'name:' and 'criteria:'.")
    criteria = data.get("criteria") or {}
    if not isinstance(criteria, dict):
        raise ServiceDefinitionError(f"{path}: 'criteria:' must map column names to lists of values.")
    criteria = {k: [v] if isinstance(v, str) else list(v or []) for k, v in criteria.items()}
    return Service(name=str(data["name"]), criteria=criteria, match=str(data.get("match", "any")),
                   description=str(data.get("description", "")))
