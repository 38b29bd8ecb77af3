"""Narrowing a staff table to a service."""

from __future__ import annotations

import pytest
from conftest import HEADERS, staff_row, write_xlsx

from workforce import Service, load_staff, read_service
from workforce.errors import ServiceDefinitionError


def test_service_by_job_role(tmp_path):
    rows = [HEADERS, staff_row(1, Job_Role="High Intensity Therapist"), staff_row(2, Job_Role="Staff Nurse"),
            staff_row(3, Job_Role="psychological wellbeing  practitioner")]
    path = write_xlsx(tmp_path / "t_2025-03-31.xlsx", {"S": rows})
    definition = tmp_path / "svc.yaml"
    definition.write_text("name: Talking Therapies\ncriteria:\n  job_role: [High Intensity Therapist, Psychological Wellbeing Practitioner]\n")
    whole = load_staff(path)
    service = whole.for_service(definition)
    assert len(service.people) == 2 and service.service == "Talking Therapies"
    assert "Narrowed to the service 'Talking Therapies'" in service.report.notes[-1]
    assert len(load_staff(path, service=definition).people) == 2
    assert len(whole.people) == 3  # the whole table is unchanged


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: X\ncriteria:\n  postcode: [LE1]\n", "cannot select by \\['postcode'\\]; valid columns are"),
        ("name: X\n", "has no criteria"),
        ("name: X\nmatch: some\ncriteria:\n  job_role: [A]\n", "match must be 'any' or 'all'"),
        ("criteria:\n  job_role: [A]\n", "at least 'name:'"),
    ],
)
def test_bad_service_files(tmp_path, text, message):
    path = tmp_path / "svc.yaml"
    path.write_text(text)
    with pytest.raises(ServiceDefinitionError, match=message):
        read_service(path)


def test_all_criteria():
    import pandas as pd

    svc = Service("S", {"job_role": ["Counsellor"], "cost_centre": ["TT100"]}, match="all")
    frame = pd.DataFrame({"job_role": ["Counsellor", "Counsellor"], "cost_centre": ["TT100", "X"]})
    assert svc.matches(frame).tolist() == [True, False]
