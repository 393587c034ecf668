"""Names the dead-code check (vulture, run by ``make lint``) must not report, each with its reason.

vulture reads the source trees listed under ``[tool.vulture]`` in pyproject.toml, not the tests,
so code that only a test calls is reported as dead. An entry here is a decision, reviewed like
code: say who uses the name and why nothing in the source trees does. Names that pluggy and kopf
call (``nto_*`` hooks, ``@kopf.on.*`` handlers) and PEP 562 module hooks are ignored in the
configuration instead. vulture matches by name, so ``_.name`` covers every attribute so named.

This file is never imported; it only has to parse.
"""

# ruff: noqa: B018

from typing import Any

_: Any = object()

# --- wire fields of the nto-api models -----------------------------------------------------
# Fields of the pydantic models: they make up the CRD schemas (crdgen) and let an object read
# from the cluster round-trip through the model unchanged. Code reads few of them by attribute.
_.last_transition_time  # Condition, ClusterOperatorStatusCondition, NodeCondition, MCP condition
_.last_heartbeat_time  # NodeCondition, PerformanceProfile condition
_.extension  # ClusterOperator relatedObjects / versions extension
_.infrastructure_topology  # Infrastructure.status
_.platform_status  # Infrastructure.status
_.infrastructure_name  # Infrastructure.status
_.api_server_url  # Infrastructure.status
_.time_added  # Node taint
_.unschedulable  # Node.spec
_.machine_id  # Node.status.nodeInfo
_.system_uuid  # Node.status.nodeInfo
_.boot_id  # Node.status.nodeInfo
_.kernel_version  # Node.status.nodeInfo
_.os_image  # Node.status.nodeInfo
_.container_runtime_version  # Node.status.nodeInfo
_.kubelet_version  # Node.status.nodeInfo
_.operating_system  # Node.status.nodeInfo
_.capacity  # Node.status
_.allocatable  # Node.status
_.overhead  # RuntimeClass
_.scheduling  # RuntimeClass
_.overwrite  # MachineConfig ignition file
_.dropins  # MachineConfig systemd unit
_.ignition  # MachineConfig config
_.systemd  # MachineConfig config
_.os_image_url  # MachineConfig.spec
_.extensions  # MachineConfig.spec
_.fips  # MachineConfig.spec
_.paused  # MachineConfigPool.spec
_.observed_generation  # MachineConfigPool.status, Tuned/Profile status
_.machine_count  # MachineConfigPool.status
_.updated_machine_count  # MachineConfigPool.status
_.ready_machine_count  # MachineConfigPool.status
_.unavailable_machine_count  # MachineConfigPool.status
_.degraded_machine_count  # MachineConfigPool.status
_.block_owner_deletion  # OwnerReference
_.creation_timestamp  # ObjectMeta
_.deletion_timestamp  # ObjectMeta
_.deletion_grace_period_seconds  # ObjectMeta
_.owner_references  # ObjectMeta
_.machine_config_labels  # Tuned.spec.recommend[]

# --- the public helpers of nto-api -----------------------------------------------------------
# nto-api is a distribution of its own that plugins build on; these are documented, tested
# (api/tests) parts of its surface that the core and the performance plugin happen not to call.
_.from_mask  # CPUSet.from_mask: the cpulist of a hexadecimal CPU mask
_.to_ids  # CPUSet.to_ids
_.invert  # CPUSet.invert
_.issuperset  # CPUSet.issuperset (beside issubset)
_.with_content  # MachineConfig File.with_content: a data-URL file entry
_.single_node  # Infrastructure.single_node
_.cpu_partitioning_enabled  # Infrastructure.cpu_partitioning_enabled
_.effective_topology_policy  # PerformanceProfile v2 numa policy with its default
_.milli_value  # Quantity.milli_value
_.effective_type  # TunedProfile.effective_type (default "tuned")
_.reapply_sysctl_enabled  # TunedProfile.reapply_sysctl_enabled (default true)

# --- attributes foreign code reads -----------------------------------------------------------
# reprlib.Repr limits (nto_api.registry): reprlib reads them.
_.maxlevel
_.maxdict
_.maxlist
_.maxset
_.maxtuple
_.maxother
_.maxstring
# kopf's settings and storage interfaces (nto.operator.kopf_config): kopf reads the settings and
# calls the storage methods.
_.progress_storage
_.diffbase_storage
_.standalone
_.mandatory
_.server_timeout
_.client_timeout
_.request_timeout
_.error_backoffs
_.fetch
_.purge
_.option_string  # argparse.Action.__call__ parameter (nto.cli.flags)
_.formatter_class  # argparse.ArgumentParser reads it when formatting help (latency-test)
_.optionxform  # configparser calls it on every option name (kept case-sensitive: nto.testing)

# --- values the tests and the e2e suite observe --------------------------------------------
# Public attributes that exist to be read from outside: tests wait on them instead of sleeping
# (house rule: no sleeps), or they are the documented API of nto.testing for plugin authors.
_.settled  # Operand.settled: the latest Profile is processed and its status written
_.reconciles  # controllers' reconcile counters, read by the e2e suite
_.waiting_for  # GateResult.waiting_for: which nodes hold a pool's MachineConfig back
_.disable_informers  # ManagementPlan.disable_informers: part of the plan tests check
_.audit_annotations  # AdmissionOutcome.audit_annotations: decoded from a webhook's response
_.route_service  # EmulatedCluster.route_service: webhook Services to loopback ports
_.accept_tokens  # EmulatedCluster.accept_tokens: token rotation in tests
_.record_requests  # EmulatedCluster.record_requests: request logs for tests
_.expire_history  # EmulatedCluster.expire_history: force 410 Gone on old resourceVersions
_.complete_pod  # EmulatedCluster.complete_pod: end a pod with logs, as a kubelet would
_.status_of  # performance StatusWriter.status_of (tests)
_.relists  # ManagementWatch.relists: tests wait for a re-list after 410 Gone
_.watches  # ManagementWatch.watches: tests wait for the watch to be open
_.management_watches  # ControllerRuntime.management_watches(): the watches those tests wait on
_.clusters  # Topology.clusters: plugin API documented in docs/hypershift.md

# --- read from the environment, acted on by nobody yet ---------------------------------------
# OperatorSettings parses the reference's environment; this one has no consumer in the core.
_.operator_namespace  # OPERATOR_NAMESPACE
