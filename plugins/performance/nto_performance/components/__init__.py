"""Pure renderers: one PerformanceProfile (v2) in, the four objects that tune its nodes out.

One module (or sub-package) per rendered kind, each exposing ``render(profile, options)``:
:mod:`.machineconfig`, :mod:`.kubeletconfig`, :mod:`.tuned`, :mod:`.runtimeclass`;
:mod:`.manifestset` composes them; :mod:`.names` holds every object name, label and annotation
key; :mod:`.options` the derived render options. No I/O, no logging, no clock, no environment.
"""
