"""Read a PerformanceProfile (v2), a MachineConfigPool or an Infrastructure without pydantic.

The offline ``render`` command is a whole process the installer runs at bootstrap; importing
pydantic and building the models costs more than the Go command's whole run. This reader checks
the common, well-formed shape of the three kinds render reads and builds plain objects that
satisfy the `nto_api.views` protocols, as the models do.

It never decides that a document is invalid: whatever it does not accept with certainty (an
unknown or snake_case key, a wrong type, a ``status`` it does not model, a number out of range)
makes it answer ``None``, and the caller validates the document with the pydantic model, which
then either accepts it or raises the usual `pydantic.ValidationError`. So the errors, and every
accepted document, are the model's; the tests check that whatever this reader accepts, the model
accepts too and reads the same values. The rules it mirrors are the models' (`nto_api.meta`):
camelCase keys, strict types (``"1"`` is not an integer, ``1`` not a boolean), closed objects
except metadata and the foreign kinds. Neighbours: `nto_api.views`, `nto_api.performance.v2`,
`nto_api.foreign.mco`, `nto_api.foreign.config`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Final, Self, TypeVar

from nto_api.performance.defaults import SpecDefaults
from nto_api.selectors import selector_matches

__all__ = [
    "QuickInfrastructure",
    "QuickPool",
    "QuickProfile",
    "read_infrastructure",
    "read_pool",
    "read_profile",
]

Q = TypeVar("Q", bound="_Quick")

_INT32: Final = (-(2**31), 2**31 - 1)
_INT64: Final = (-(2**63), 2**63 - 1)


class _Decline(Exception):
    """The document is outside what this reader checks; the model must decide."""


def read_profile(document: object) -> QuickProfile | None:
    """A v2 PerformanceProfile, or ``None``: validate with the model."""
    return _read(QuickProfile, document)


def read_pool(document: object) -> QuickPool | None:
    """A MachineConfigPool, or ``None``: validate with the model."""
    return _read(QuickPool, document)


def read_infrastructure(document: object) -> QuickInfrastructure | None:
    """An Infrastructure, or ``None``: validate with the model."""
    return _read(QuickInfrastructure, document)


def _read(cls: type[Q], document: object) -> Q | None:
    try:
        return cls.read(document)
    except (_Decline, RecursionError):
        return None


# --- value checks: each returns the value as the model holds it, or declines -----------------


def _text(value: object) -> str:
    if type(value) is not str:
        raise _Decline
    return value


def _flag(value: object) -> bool:
    if type(value) is not bool:
        raise _Decline
    return value


def _integer(bounds: tuple[int, int] | None) -> Callable[[object], int]:
    def check(value: object) -> int:
        if type(value) is not int or (bounds and not bounds[0] <= value <= bounds[1]):
            raise _Decline
        return value

    return check


def _text_map(value: object) -> dict[str, str]:
    if type(value) is not dict:
        raise _Decline
    return {_text(key): _text(item) for key, item in value.items()}


def _text_list(value: object) -> list[str]:
    if type(value) is not list:
        raise _Decline
    return [_text(item) for item in value]


def _object(value: object) -> dict[str, Any]:
    """A JSON object kept as it is (``dict[str, Any]`` in the model)."""
    if type(value) is not dict:
        raise _Decline
    for key in value:
        _text(key)
    return value


def _literal(expected: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value != expected or type(value) is not str:
            raise _Decline
        return expected

    return check


def _unmodelled(value: object) -> None:
    """A field this reader does not model (a profile's ``status``): only ``null`` passes."""
    raise _Decline


def _list_of(cls: type[Q]) -> Callable[[object], list[Q]]:
    def check(value: object) -> list[Q]:
        if type(value) is not list:
            raise _Decline
        return [cls.read(item) for item in value]

    return check


class _Field:
    """One field: attribute, wire key, check, and what absence and ``null`` mean.

    ``required``: absent or ``null`` makes the model refuse. ``default``: absent gives this (a
    default factory) and ``null`` makes the model refuse. (A plain class: a dataclass costs a
    millisecond to build at import, which this module exists to save.)
    """

    __slots__ = ("attr", "check", "default", "key", "required")

    def __init__(
        self,
        attr: str,
        key: str,
        check: Callable[[object], object],
        *,
        required: bool = False,
        default: Callable[[], object] | None = None,
    ) -> None:
        self.attr = attr
        self.key = key
        self.check = check
        self.required = required
        self.default = default


def _nested(cls: type[Q]) -> Callable[[object], Q]:
    return cls.read


class _Quick:
    """Base of the plain objects: built from a JSON object by the class's `FIELDS`."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[_Field, ...]] = ()
    OPEN: ClassVar[bool] = False
    """Unknown keys are kept by the model (foreign kinds, metadata) rather than refused."""

    @classmethod
    def read(cls, value: object) -> Self:
        if type(value) is not dict:
            raise _Decline
        keys = {field.key for field in cls.FIELDS}
        for key in value:
            # the models also accept snake_case field names: leave those to them
            if key not in keys and (not cls.OPEN or type(key) is not str or "_" in key):
                raise _Decline
        self = object.__new__(cls)
        for field in cls.FIELDS:
            raw = value.get(field.key, _ABSENT)
            if raw is _ABSENT and field.default is not None:
                result = field.default()
            elif raw is _ABSENT or raw is None:
                if field.required or field.default is not None:
                    raise _Decline
                result = None
            else:
                result = field.check(raw)
            object.__setattr__(self, field.attr, result)
        return self

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.attr}={getattr(self, f.attr)!r}" for f in self.FIELDS)
        return f"{type(self).__name__}({shown})"


_ABSENT: Final = object()


class QuickMeta(_Quick):
    """``metadata``: the fields of `nto_api.meta.ObjectMeta`; other keys are ignored."""

    __slots__ = (
        "annotations",
        "creation_timestamp",
        "deletion_grace_period_seconds",
        "deletion_timestamp",
        "finalizers",
        "generate_name",
        "generation",
        "labels",
        "name",
        "namespace",
        "owner_references",
        "resource_version",
        "uid",
    )
    OPEN = True
    name: str | None
    generate_name: str | None
    namespace: str | None
    uid: str | None
    resource_version: str | None
    generation: int | None
    creation_timestamp: str | None
    deletion_timestamp: str | None
    deletion_grace_period_seconds: int | None
    labels: dict[str, str] | None
    annotations: dict[str, str] | None
    owner_references: None
    finalizers: list[str] | None


QuickMeta.FIELDS = (
    _Field("name", "name", _text),
    _Field("generate_name", "generateName", _text),
    _Field("namespace", "namespace", _text),
    _Field("uid", "uid", _text),
    _Field("resource_version", "resourceVersion", _text),
    _Field("generation", "generation", _integer(_INT64)),
    _Field("creation_timestamp", "creationTimestamp", _text),
    _Field("deletion_timestamp", "deletionTimestamp", _text),
    _Field("deletion_grace_period_seconds", "deletionGracePeriodSeconds", _integer(_INT64)),
    _Field("labels", "labels", _text_map),
    _Field("annotations", "annotations", _text_map),
    _Field("owner_references", "ownerReferences", _unmodelled),
    _Field("finalizers", "finalizers", _text_list),
)


class QuickCPU(_Quick):
    __slots__ = ("balance_isolated", "isolated", "offlined", "ovs_dpdk", "reserved", "shared")
    reserved: str
    isolated: str
    balance_isolated: bool | None
    offlined: str | None
    shared: str | None
    ovs_dpdk: str | None

    FIELDS = (
        _Field("reserved", "reserved", _text, required=True),
        _Field("isolated", "isolated", _text, required=True),
        _Field("balance_isolated", "balanceIsolated", _flag),
        _Field("offlined", "offlined", _text),
        _Field("shared", "shared", _text),
        _Field("ovs_dpdk", "ovsDpdk", _text),
    )


class QuickHardwareTuning(_Quick):
    __slots__ = ("isolated_cpu_freq", "reserved_cpu_freq")
    isolated_cpu_freq: int | None
    reserved_cpu_freq: int | None

    FIELDS = (
        _Field("isolated_cpu_freq", "isolatedCpuFreq", _integer(None)),
        _Field("reserved_cpu_freq", "reservedCpuFreq", _integer(None)),
    )


class QuickHugePage(_Quick):
    __slots__ = ("count", "node", "size")
    size: str | None
    count: int | None
    node: int | None

    FIELDS = (
        _Field("size", "size", _text),
        _Field("count", "count", _integer(_INT32)),
        _Field("node", "node", _integer(_INT32)),
    )


class QuickHugePages(_Quick):
    __slots__ = ("default_hugepages_size", "pages")
    default_hugepages_size: str | None
    pages: list[QuickHugePage] | None

    FIELDS = (
        _Field("default_hugepages_size", "defaultHugepagesSize", _text),
        _Field("pages", "pages", _list_of(QuickHugePage)),
    )


class QuickRealTimeKernel(_Quick):
    __slots__ = ("enabled",)
    enabled: bool | None

    FIELDS = (_Field("enabled", "enabled", _flag),)


class QuickNuma(_Quick):
    __slots__ = ("topology_policy",)
    topology_policy: str | None

    FIELDS = (_Field("topology_policy", "topologyPolicy", _text),)


class QuickDevice(_Quick):
    __slots__ = ("device_id", "interface_name", "vendor_id")
    interface_name: str | None
    vendor_id: str | None
    device_id: str | None

    FIELDS = (
        _Field("interface_name", "interfaceName", _text),
        _Field("vendor_id", "vendorID", _text),
        _Field("device_id", "deviceID", _text),
    )


class QuickNet(_Quick):
    __slots__ = ("devices", "user_level_networking")
    user_level_networking: bool | None
    devices: list[QuickDevice] | None

    FIELDS = (
        _Field("user_level_networking", "userLevelNetworking", _flag),
        _Field("devices", "devices", _list_of(QuickDevice)),
    )


class QuickWorkloadHints(_Quick):
    __slots__ = ("high_power_consumption", "mixed_cpus", "per_pod_power_management", "real_time")
    high_power_consumption: bool | None
    real_time: bool | None
    per_pod_power_management: bool | None
    mixed_cpus: bool | None

    FIELDS = (
        _Field("high_power_consumption", "highPowerConsumption", _flag),
        _Field("real_time", "realTime", _flag),
        _Field("per_pod_power_management", "perPodPowerManagement", _flag),
        _Field("mixed_cpus", "mixedCpus", _flag),
    )


class QuickProfileSpec(SpecDefaults, _Quick):
    __slots__ = (
        "additional_kernel_args",
        "cpu",
        "globally_disable_irq_load_balancing",
        "hardware_tuning",
        "hugepages",
        "kernel_page_size",
        "machine_config_label",
        "machine_config_pool_selector",
        "net",
        "node_selector",
        "numa",
        "real_time_kernel",
        "workload_hints",
    )
    cpu: QuickCPU
    hardware_tuning: QuickHardwareTuning | None
    hugepages: QuickHugePages | None
    machine_config_label: dict[str, str] | None
    machine_config_pool_selector: dict[str, str] | None
    node_selector: dict[str, str]
    real_time_kernel: QuickRealTimeKernel | None
    kernel_page_size: str | None
    additional_kernel_args: list[str] | None
    numa: QuickNuma | None
    net: QuickNet | None
    globally_disable_irq_load_balancing: bool | None
    workload_hints: QuickWorkloadHints | None

    FIELDS = (
        _Field("cpu", "cpu", _nested(QuickCPU), required=True),
        _Field("hardware_tuning", "hardwareTuning", _nested(QuickHardwareTuning)),
        _Field("hugepages", "hugepages", _nested(QuickHugePages)),
        _Field("machine_config_label", "machineConfigLabel", _text_map),
        _Field("machine_config_pool_selector", "machineConfigPoolSelector", _text_map),
        _Field("node_selector", "nodeSelector", _text_map, required=True),
        _Field("real_time_kernel", "realTimeKernel", _nested(QuickRealTimeKernel)),
        _Field("kernel_page_size", "kernelPageSize", _text),
        _Field("additional_kernel_args", "additionalKernelArgs", _text_list),
        _Field("numa", "numa", _nested(QuickNuma)),
        _Field("net", "net", _nested(QuickNet)),
        _Field("globally_disable_irq_load_balancing", "globallyDisableIrqLoadBalancing", _flag),
        _Field("workload_hints", "workloadHints", _nested(QuickWorkloadHints)),
    )


def _empty_meta() -> QuickMeta:
    return QuickMeta.read({})


class QuickProfile(_Quick):
    """A PerformanceProfile v2 without ``status`` (a profile with one goes to the model)."""

    __slots__ = ("api_version", "kind", "metadata", "spec", "status")
    api_version: str
    kind: str
    metadata: QuickMeta
    spec: QuickProfileSpec
    status: None

    FIELDS = (
        _Field(
            "api_version",
            "apiVersion",
            _literal("performance.openshift.io/v2"),
            default=lambda: "performance.openshift.io/v2",
        ),
        _Field(
            "kind", "kind", _literal("PerformanceProfile"), default=lambda: "PerformanceProfile"
        ),
        _Field("metadata", "metadata", _nested(QuickMeta), default=_empty_meta),
        _Field("spec", "spec", _nested(QuickProfileSpec), required=True),
        _Field("status", "status", _unmodelled),
    )


class QuickRequirement(_Quick):
    __slots__ = ("key", "operator", "values")
    OPEN = True
    key: str
    operator: str
    values: list[str] | None

    FIELDS = (
        _Field("key", "key", _text, required=True),
        _Field("operator", "operator", _text, required=True),
        _Field("values", "values", _text_list),
    )


class QuickLabelSelector(_Quick):
    __slots__ = ("match_expressions", "match_labels")
    OPEN = True
    match_labels: dict[str, str] | None
    match_expressions: list[QuickRequirement] | None

    FIELDS = (
        _Field("match_labels", "matchLabels", _text_map),
        _Field("match_expressions", "matchExpressions", _list_of(QuickRequirement)),
    )

    def matches(self, labels: dict[str, str]) -> bool:
        """Whether `labels` satisfy the selector; an empty selector matches everything."""
        return selector_matches(self.match_labels, self.match_expressions, labels)


class QuickPoolSpec(_Quick):
    __slots__ = ("machine_config_selector", "node_selector", "paused")
    OPEN = True
    machine_config_selector: QuickLabelSelector | None
    node_selector: QuickLabelSelector | None
    paused: bool | None

    FIELDS = (
        _Field("machine_config_selector", "machineConfigSelector", _nested(QuickLabelSelector)),
        _Field("node_selector", "nodeSelector", _nested(QuickLabelSelector)),
        _Field("paused", "paused", _flag),
    )


class QuickPool(_Quick):
    """A MachineConfigPool without ``status`` (a pool with one goes to the model)."""

    __slots__ = ("api_version", "kind", "metadata", "spec", "status")
    OPEN = True
    api_version: str
    kind: str
    metadata: QuickMeta
    spec: QuickPoolSpec
    status: None

    FIELDS = (
        _Field(
            "api_version",
            "apiVersion",
            _literal("machineconfiguration.openshift.io/v1"),
            default=lambda: "machineconfiguration.openshift.io/v1",
        ),
        _Field("kind", "kind", _literal("MachineConfigPool"), default=lambda: "MachineConfigPool"),
        _Field("metadata", "metadata", _nested(QuickMeta), default=_empty_meta),
        _Field("spec", "spec", _nested(QuickPoolSpec), default=lambda: QuickPoolSpec.read({})),
        _Field("status", "status", _unmodelled),
    )


class QuickPlatformStatus(_Quick):
    __slots__ = ("type",)
    OPEN = True
    type: str | None

    FIELDS = (_Field("type", "type", _text),)


class QuickInfrastructureStatus(_Quick):
    __slots__ = (
        "api_server_url",
        "control_plane_topology",
        "cpu_partitioning",
        "infrastructure_name",
        "infrastructure_topology",
        "platform_status",
    )
    OPEN = True
    control_plane_topology: str | None
    infrastructure_topology: str | None
    cpu_partitioning: str | None
    platform_status: QuickPlatformStatus | None
    infrastructure_name: str | None
    api_server_url: str | None

    FIELDS = (
        _Field("control_plane_topology", "controlPlaneTopology", _text),
        _Field("infrastructure_topology", "infrastructureTopology", _text),
        _Field("cpu_partitioning", "cpuPartitioning", _text),
        _Field("platform_status", "platformStatus", _nested(QuickPlatformStatus)),
        _Field("infrastructure_name", "infrastructureName", _text),
        _Field("api_server_url", "apiServerURL", _text),
    )


class QuickInfrastructure(_Quick):
    __slots__ = ("api_version", "kind", "metadata", "spec", "status")
    OPEN = True
    api_version: str
    kind: str
    metadata: QuickMeta
    spec: dict[str, Any] | None
    status: QuickInfrastructureStatus | None

    FIELDS = (
        _Field(
            "api_version",
            "apiVersion",
            _literal("config.openshift.io/v1"),
            default=lambda: "config.openshift.io/v1",
        ),
        _Field("kind", "kind", _literal("Infrastructure"), default=lambda: "Infrastructure"),
        _Field("metadata", "metadata", _nested(QuickMeta), default=_empty_meta),
        _Field("spec", "spec", _object),
        _Field("status", "status", _nested(QuickInfrastructureStatus)),
    )
