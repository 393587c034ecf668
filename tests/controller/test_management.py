"""managementState effects."""

from __future__ import annotations

import pytest

from nto.controller.default_tuned import default_tuned
from nto.controller.management import (
    ManagementPlan,
    ignored_management_state_warning,
    management_plan,
)

from .conftest import make_tuned


def _default(state):
    tuned = default_tuned()
    if state is not None:
        tuned["spec"]["managementState"] = state
    return tuned


MANAGED = ManagementPlan("Managed", reconcile=True, remove_resources=False, disable_informers=False)

CASES = [
    ("unset", _default(None), MANAGED),
    ("no default CR yet", None, MANAGED),
    ("Managed", _default("Managed"), MANAGED),
    ("Force", _default("Force"), MANAGED),
    ("empty", _default(""), MANAGED),
    (
        "Unmanaged",
        _default("Unmanaged"),
        ManagementPlan(
            "Unmanaged", reconcile=False, remove_resources=False, disable_informers=True
        ),
    ),
    (
        "Removed",
        _default("Removed"),
        ManagementPlan("Removed", reconcile=False, remove_resources=True, disable_informers=True),
    ),
    (
        "typo is Managed with a warning",
        _default("removed"),
        ManagementPlan(
            "Managed",
            reconcile=True,
            remove_resources=False,
            disable_informers=False,
            warning="spec.managementState 'removed' of Tuned 'default' is not one of Managed, "
            "Unmanaged, Force, Removed; treating it as Managed",
        ),
    ),
]


@pytest.mark.parametrize(("tuned", "plan"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_management_plan(tuned, plan):
    assert management_plan(tuned) == plan


IGNORED = "spec.managementState 'Removed' of Tuned 'other' is ignored; "
IGNORED += "only Tuned 'default' honours it: set it there"


@pytest.mark.parametrize(
    ("tuned", "expected"),
    [
        (
            make_tuned("other", managementState="Removed"),
            IGNORED,
        ),
        (make_tuned("other"), None),
        (_default("Removed"), None),
    ],
    ids=["other CR", "other CR without", "default CR"],
)
def test_ignored_management_state_warning(tuned, expected):
    assert ignored_management_state_warning(tuned) == expected
