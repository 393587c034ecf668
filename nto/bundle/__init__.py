"""CVO manifests generated from code and the plugins' hooks (``nto bundle``, ``make bundle``)."""
