"""Machine Config Operator kinds the operators write or read: MachineConfig (with the Ignition
3.2.0 subset we emit), KubeletConfig and MachineConfigPool.

Neighbours: `nto_api.meta` (bases, LabelSelector), the sibling modules `config` and `core`. These
are partial models of objects owned by another operator: every class keeps unknown fields, so a
read-modify-write loses nothing. The Ignition constants and data-URL helpers live in the
pydantic-free `ignition` and are re-exported here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from nto_api._markers import Int32, Int64, PreserveUnknown
from nto_api.foreign.ignition import (
    IGNITION_VERSION,
    MACHINECONFIG_ROLE_LABEL,
    decode_data_url,
    encode_data_url,
)
from nto_api.meta import DateTime, LabelSelector, ObjectMeta, OpenModel

__all__ = [
    "IGNITION_VERSION",
    "MACHINECONFIG_ROLE_LABEL",
    "FileContents",
    "IgnitionConfig",
    "IgnitionFile",
    "IgnitionVersion",
    "KubeletConfig",
    "KubeletConfigSpec",
    "MachineConfig",
    "MachineConfigPool",
    "MachineConfigPoolCondition",
    "MachineConfigPoolSpec",
    "MachineConfigPoolStatus",
    "MachineConfigSpec",
    "Storage",
    "Systemd",
    "SystemdDropin",
    "SystemdUnit",
    "decode_data_url",
    "encode_data_url",
]


class FileContents(OpenModel):
    """Where a file's content comes from."""

    source: str | None = None
    """A URL; we write ``data:`` URLs."""


class IgnitionFile(OpenModel):
    """A file Ignition writes on the node."""

    path: str
    """Absolute path on the node."""
    mode: int | None = None
    """Permission bits, as a decimal integer (0o755 is 493)."""
    overwrite: bool | None = None
    """Replace an existing file."""
    contents: FileContents | None = None
    """File content."""

    @classmethod
    def with_content(cls, path: str, content: bytes | str, *, mode: int) -> IgnitionFile:
        """A file entry with `content` inlined as a data URL and ``overwrite: true``."""
        return cls(
            path=path,
            mode=mode,
            overwrite=True,
            contents=FileContents(source=encode_data_url(content)),
        )


class Storage(OpenModel):
    """Ignition storage section."""

    files: list[IgnitionFile] | None = None
    """Files to write."""


class SystemdDropin(OpenModel):
    """A systemd drop-in for a unit."""

    name: str
    """Drop-in file name, ``10-foo.conf``."""
    contents: str | None = None
    """Drop-in text."""


class SystemdUnit(OpenModel):
    """A systemd unit Ignition installs."""

    name: str
    """Unit name, ``foo.service``."""
    enabled: bool | None = None
    """Enable the unit."""
    contents: str | None = None
    """Unit text."""
    dropins: list[SystemdDropin] | None = None
    """Drop-ins for the unit."""


class Systemd(OpenModel):
    """Ignition systemd section."""

    units: list[SystemdUnit] | None = None
    """Units to install."""


class IgnitionVersion(OpenModel):
    """Ignition metadata."""

    version: str = IGNITION_VERSION
    """Ignition spec version."""


class IgnitionConfig(OpenModel):
    """The Ignition config inside a MachineConfig (spec 3.2.0, the parts we use)."""

    ignition: IgnitionVersion = Field(default_factory=IgnitionVersion)
    """Ignition metadata."""
    storage: Storage | None = None
    """Files."""
    systemd: Systemd | None = None
    """systemd units."""


class MachineConfigSpec(OpenModel):
    """Desired node configuration."""

    config: IgnitionConfig | None = None
    """Ignition config."""
    kernel_arguments: list[str] | None = None
    """Extra kernel arguments."""
    kernel_type: str | None = None
    """``default``, ``realtime`` or ``64k-pages``."""
    os_image_url: str | None = Field(default=None, alias="osImageURL")
    """OS image override."""
    extensions: list[str] | None = None
    """RHCOS extensions to install."""
    fips: bool | None = None
    """Enable FIPS mode."""


class MachineConfig(OpenModel):
    """A MachineConfig (``machineconfiguration.openshift.io/v1``)."""

    api_version: Literal["machineconfiguration.openshift.io/v1"] = (
        "machineconfiguration.openshift.io/v1"
    )
    kind: Literal["MachineConfig"] = "MachineConfig"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: MachineConfigSpec = Field(default_factory=MachineConfigSpec)


class KubeletConfigSpec(OpenModel):
    """Desired kubelet configuration for the selected pools."""

    machine_config_pool_selector: LabelSelector | None = None
    """Pools whose nodes get this configuration."""
    kubelet_config: Annotated[dict[str, Any] | None, PreserveUnknown()] = None
    """A raw KubeletConfiguration object (``kubelet.config.k8s.io/v1beta1``)."""


class KubeletConfig(OpenModel):
    """A KubeletConfig (``machineconfiguration.openshift.io/v1``)."""

    api_version: Literal["machineconfiguration.openshift.io/v1"] = (
        "machineconfiguration.openshift.io/v1"
    )
    kind: Literal["KubeletConfig"] = "KubeletConfig"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: KubeletConfigSpec = Field(default_factory=KubeletConfigSpec)
    status: dict[str, Any] | None = None


class MachineConfigPoolSpec(OpenModel):
    """Which MachineConfigs and which nodes make up a pool."""

    machine_config_selector: LabelSelector | None = None
    """MachineConfigs rendered into the pool's configuration."""
    node_selector: LabelSelector | None = None
    """Nodes in the pool."""
    paused: bool | None = None
    """Stop rolling out configuration changes."""


class MachineConfigPoolCondition(OpenModel):
    """A pool condition (``Updated``, ``Updating``, ``Degraded``...)."""

    type: str
    status: str
    reason: str | None = None
    message: str | None = None
    last_transition_time: DateTime | None = None


class MachineConfigPoolStatus(OpenModel):
    """Rollout state of a pool."""

    observed_generation: Int64 | None = None
    machine_count: Int32 | None = None
    updated_machine_count: Int32 | None = None
    ready_machine_count: Int32 | None = None
    unavailable_machine_count: Int32 | None = None
    degraded_machine_count: Int32 | None = None
    conditions: list[MachineConfigPoolCondition] | None = None
    configuration: dict[str, Any] | None = None
    """The rendered MachineConfig the pool targets (name and sources)."""

    def condition(self, type_: str) -> MachineConfigPoolCondition | None:
        """The condition of `type_`, if reported."""
        return next((c for c in self.conditions or [] if c.type == type_), None)


class MachineConfigPool(OpenModel):
    """A MachineConfigPool (``machineconfiguration.openshift.io/v1``)."""

    api_version: Literal["machineconfiguration.openshift.io/v1"] = (
        "machineconfiguration.openshift.io/v1"
    )
    kind: Literal["MachineConfigPool"] = "MachineConfigPool"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: MachineConfigPoolSpec = Field(default_factory=MachineConfigPoolSpec)
    status: MachineConfigPoolStatus | None = None
