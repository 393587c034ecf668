"""``nto.testing``: an emulated Kubernetes API server and helpers for testing operators.

Public surface (everything else is private):

- :class:`EmulatedCluster` serves a faithful-enough API server on loopback (discovery, list and
  watch with resourceVersions, chunked lists, per-kind name and field-selector rules, one store
  for both Events APIs, the status subresource, finalizers, garbage collection, CRDs with
  schema checks and conversion, admission webhooks, access reviews and RBAC for impersonated
  requests, fault injection, bearer-token checks and a record of raw request paths; for kubectl:
  OpenAPI v2/v3, ``fieldValidation``, server-side Tables and server-side apply);
  ``docs/testing.md`` lists what it does not serve;
- :class:`OperatorProcess` runs an operator command (:func:`operator_command` builds the
  project's own) against it as a subprocess; :func:`running_operator` runs an operator with
  given plugins in a thread of the test;
- :func:`wait_for` polls a predicate with a timeout;
- :func:`unpack_reference_binary` unpacks a Go reference binary for side-by-side tests;
- :class:`ApiError`, :class:`Fault`, :class:`ResourceInfo` appear in their signatures.

Names are imported lazily, so that the pytest plugin (:mod:`nto.testing.pytest_plugin`), loaded
in every pytest run, costs nothing until a fixture is used; ``python -m nto.testing`` runs the
server standalone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nto._lazy import lazy_attributes

if TYPE_CHECKING:
    from nto.testing._agents import simulate_node_agents
    from nto.testing._cluster import EmulatedCluster
    from nto.testing._errors import ApiError
    from nto.testing._faults import Fault
    from nto.testing._limits import run_limited
    from nto.testing._operator import running_operator
    from nto.testing._process import OperatorProcess, free_port, operator_command, wait_for
    from nto.testing._reference_bin import ReferenceBinaryMissing, unpack_reference_binary
    from nto.testing._resources import ResourceInfo

__all__ = [
    "ApiError",
    "EmulatedCluster",
    "Fault",
    "OperatorProcess",
    "ReferenceBinaryMissing",
    "ResourceInfo",
    "free_port",
    "operator_command",
    "run_limited",
    "running_operator",
    "simulate_node_agents",
    "unpack_reference_binary",
    "wait_for",
]

_HOMES = {
    "ApiError": "nto.testing._errors",
    "EmulatedCluster": "nto.testing._cluster",
    "Fault": "nto.testing._faults",
    "OperatorProcess": "nto.testing._process",
    "ReferenceBinaryMissing": "nto.testing._reference_bin",
    "ResourceInfo": "nto.testing._resources",
    "free_port": "nto.testing._process",
    "operator_command": "nto.testing._process",
    "run_limited": "nto.testing._limits",
    "running_operator": "nto.testing._operator",
    "simulate_node_agents": "nto.testing._agents",
    "unpack_reference_binary": "nto.testing._reference_bin",
    "wait_for": "nto.testing._process",
}


__getattr__ = lazy_attributes(__name__, _HOMES, globals())
