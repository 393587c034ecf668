"""Stage 0 of validation: does the object have the v2 PerformanceProfile shape at all?

The API server checks the CRD schema before it calls the validating webhook, so objects that
reach the rules through the cluster are well formed; direct callers may send anything. This
module parses the wire object with the v2 model and turns every pydantic problem into a
:class:`~.fielderrors.FieldError`. Missing required fields get the wording of the reference's rules
3 and 4 ("reserved CPUs required", ...). When the shape is wrong the rules do not run: they work
on the typed model only. Neighbours: :mod:`.rules` (the checks), :mod:`.fielderrors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pydantic

from nto_api.performance import v2
from nto_performance.validation.fielderrors import ErrorType, FieldError

__all__ = ["REQUIRED_DETAILS", "parse_profile"]

REQUIRED_DETAILS: Final[Mapping[str, str]] = {
    "spec": "spec is required; a PerformanceProfile needs at least spec.cpu and spec.nodeSelector",
    "spec.cpu": "cpu section required; set spec.cpu.reserved and spec.cpu.isolated",
    "spec.cpu.isolated": "isolated CPUs required; set spec.cpu.isolated to a cpulist such as '2-7'",
    "spec.cpu.reserved": "reserved CPUs required; set spec.cpu.reserved to a cpulist such as '0-1'",
    "spec.nodeSelector": (
        "the nodeSelector is required; select the nodes to tune with one label such as "
        "'node-role.kubernetes.io/worker-cnf: \"\"'"
    ),
}
_EXTRA_DETAIL: Final = "unknown field; remove it (check the spelling and the apiVersion)"


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "<object>"


def _field_error(error: Any) -> FieldError:
    path = _path(tuple(error["loc"]))
    if error["type"] == "missing":
        detail = REQUIRED_DETAILS.get(path, "required field is missing; set it")
        return FieldError(ErrorType.REQUIRED, path, detail)
    if error["type"] == "extra_forbidden":
        return FieldError(ErrorType.INVALID, path, _EXTRA_DETAIL, error["input"])
    return FieldError(ErrorType.INVALID, path, str(error["msg"]), error["input"])


def parse_profile(obj: Any) -> tuple[v2.PerformanceProfile | None, list[FieldError]]:
    """The typed profile and no errors, or None and one error per malformed field."""
    if not isinstance(obj, Mapping):
        detail = f"expected a PerformanceProfile object, got {type(obj).__name__}"
        return None, [FieldError(ErrorType.INVALID, "<object>", detail, obj)]
    try:
        return v2.PerformanceProfile.model_validate(obj), []
    except pydantic.ValidationError as exc:
        return None, [_field_error(error) for error in exc.errors(include_url=False)]
