"""The performance plugin: PerformanceProfile rendering, controller, webhooks and tools.

Formerly the Performance Addon Operator. It reaches the core only through the hooks of
:mod:`nto.plugins.hookspecs`; its entry point is :mod:`nto_performance.plugin`.
"""

__all__: list[str] = []
