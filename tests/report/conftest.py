"""Fixtures of the report tests (the reports themselves are in ``report_fixtures``)."""

from __future__ import annotations

import pytest
from report_fixtures import passing_report, violating_report

from rela.results import Report


@pytest.fixture
def report() -> Report:
    return violating_report()


@pytest.fixture
def ok_report() -> Report:
    return passing_report()
