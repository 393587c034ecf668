"""Every exception the core raises, in one place; modules define them beside their code.

::

    Exception
    ├── UsageError                 nto.cli.flags: bad command line (exit 255)
    ├── OperandUsageError          nto.cli.commands.operand: inconsistent operand flags/env
    ├── KubeConfigError            nto.kube.config: no usable cluster configuration
    ├── ApiError                   nto.kube.client: the API server answered an error Status
    │   ├── NotFoundError          404: retry later or treat as absent
    │   ├── ConflictError          409: stale resourceVersion or already exists; re-read, retry
    │   └── InvalidNameError       a name no URL path can hold; refused unsent, never retry
    ├── TLSMaterialError           nto.operator.tls: unreadable or mismatched certificate/key
    │   └── TLSMaterialPending     the client CA is not known yet; the server waits
    ├── RenderError                nto.operand.bootcmd: render-bootcmd-mc inputs cannot work
    ├── OperandError               nto.operand.daemon: the operand gives up (too many failures)
    ├── PermanentError             nto.runtime.errors: do not retry until something changes
    ├── TemporaryError             nto.runtime.errors: retry after a delay or the backoff
    │   └── RetryLater             nto.reconciler.failures: some Profile writes failed
    │                              transiently; the rest went through, the queue backs off
    └── ValueError
        ├── InvalidProfileError    nto.operand.files: a TuneD profile name or data is unsafe
        ├── DuplicateRouteError    nto.operator.webhook_server: two webhook routes, one path
        ├── WildcardRuleError      nto.bundle.rbac: a plugin asked for '*' in an RBAC rule
        ├── MustGatherError        nto.mustgather: a must-gather step cannot be embedded
        └── BundleError            nto.bundle.generate: a plugin's manifests cannot ship

Control flow: ``ApiError`` and ``OSError``/``TimeoutError`` are temporary (controllers retry
with backoff, see :mod:`nto.kube.retry`); the others are permanent and reported to the user.
Names are importable from here lazily, so importing this module costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nto._lazy import lazy_attributes

if TYPE_CHECKING:
    from nto.bundle.generate import BundleError
    from nto.bundle.rbac import WildcardRuleError
    from nto.cli.commands.operand import OperandUsageError
    from nto.cli.flags import UsageError
    from nto.kube.client import ApiError, ConflictError, InvalidNameError, NotFoundError
    from nto.kube.config import KubeConfigError
    from nto.mustgather import MustGatherError
    from nto.operand.bootcmd import RenderError
    from nto.operand.daemon import OperandError
    from nto.operand.files import InvalidProfileError
    from nto.operator.tls import TLSMaterialError, TLSMaterialPending
    from nto.operator.webhook_server import DuplicateRouteError
    from nto.reconciler.failures import RetryLater
    from nto.runtime.errors import PermanentError, TemporaryError


_HOMES = {
    "ApiError": "nto.kube.client",
    "BundleError": "nto.bundle.generate",
    "ConflictError": "nto.kube.client",
    "DuplicateRouteError": "nto.operator.webhook_server",
    "InvalidNameError": "nto.kube.client",
    "InvalidProfileError": "nto.operand.files",
    "KubeConfigError": "nto.kube.config",
    "MustGatherError": "nto.mustgather",
    "NotFoundError": "nto.kube.client",
    "OperandError": "nto.operand.daemon",
    "OperandUsageError": "nto.cli.commands.operand",
    "PermanentError": "nto.runtime.errors",
    "RenderError": "nto.operand.bootcmd",
    "RetryLater": "nto.reconciler.failures",
    "TLSMaterialError": "nto.operator.tls",
    "TLSMaterialPending": "nto.operator.tls",
    "TemporaryError": "nto.runtime.errors",
    "UsageError": "nto.cli.flags",
    "WildcardRuleError": "nto.bundle.rbac",
}

__all__ = [
    "ApiError",
    "BundleError",
    "ConflictError",
    "DuplicateRouteError",
    "InvalidNameError",
    "InvalidProfileError",
    "KubeConfigError",
    "MustGatherError",
    "NotFoundError",
    "OperandError",
    "OperandUsageError",
    "PermanentError",
    "RenderError",
    "RetryLater",
    "TLSMaterialError",
    "TLSMaterialPending",
    "TemporaryError",
    "UsageError",
    "WildcardRuleError",
]


__getattr__ = lazy_attributes(__name__, _HOMES, globals())


def __dir__() -> list[str]:
    return list(__all__)
