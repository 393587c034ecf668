"""The Node Tuning Operator core.

The core owns the CLI, the plugin host, the operator runtime (kopf wiring, leader election, the
shared HTTPS webhook server, the metrics server), the Tuned controller and the operand. Plugins
(such as ``nto_performance``) reach it only through :mod:`nto.plugins`.
"""

from nto._version import __version__

__all__ = ["__version__"]
