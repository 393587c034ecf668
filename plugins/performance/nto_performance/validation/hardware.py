"""Validation rules 5 to 8: the selected nodes' hardware, the kernel page size and huge pages.

Pure functions over :class:`~.subject.Subject`, run by :mod:`.rules` in spec order. The node
facts come from :class:`~.cluster.ClusterData`; with no selected nodes the architecture is
unknown and every architecture's sizes are accepted, like the reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from nto_api.quantity import Quantity, QuantityError
from nto_performance.validation.cluster import NodeFacts
from nto_performance.validation.fielderrors import ErrorType, FieldError, summarize
from nto_performance.validation.subject import Subject

__all__ = [
    "HUGEPAGES_DOC",
    "KERNEL_PAGE_SIZES",
    "compatible_hugepage_sizes",
    "hugepages",
    "kernel_page_size",
    "same_architecture",
    "same_cpu_capacity",
]

AMD64: Final = "amd64"
ARM64: Final = "arm64"
KERNEL_PAGE_SIZES: Final = {AMD64: ("4k",), ARM64: ("4k", "64k")}
"""Kernel page sizes each architecture supports; other architectures are not checked."""
_HUGEPAGE_SIZES: Final = {
    (AMD64, "4k"): ("2M", "1G"),
    (ARM64, "4k"): ("64k", "2M", "32M", "1G"),
    (ARM64, "64k"): ("2M", "512M", "16G"),
}
_ALL_HUGEPAGE_SIZES: Final = ("64k", "2M", "32M", "512M", "1G", "16G")
HUGEPAGES_DOC: Final = "https://docs.kernel.org/mm/vmemmap_dedup.html"
_FIELD: Final = "spec.nodeSelector"


def _uniform(
    subject: Subject,
    read: Callable[[NodeFacts], str],
    what: str,
    where: str,
    same: Callable[[str, str], bool],
) -> list[FieldError]:
    """Errors unless every selected node has a non-empty and equal value of ``read``."""
    nodes = subject.cluster.nodes
    selector = subject.spec.node_selector
    if not nodes:
        return []
    errors = []
    unknown = [node.name for node in nodes if not read(node)]
    if unknown:
        detail = f"failed to detect the {what} of node {summarize(unknown)} ({where} is empty)"
        errors.append(FieldError(ErrorType.INVALID, _FIELD, detail, selector))
    first = nodes[0]
    expected = read(first)
    if expected:
        others = [
            f"{n.name} has {read(n)!r}" for n in nodes if read(n) and not same(read(n), expected)
        ]
        if others:
            detail = (
                f"the selected nodes differ in {what}: node {first.name} has {expected!r} but "
                f"node {summarize(others)}; select nodes of one {what} only"
            )
            errors.append(FieldError(ErrorType.INVALID, _FIELD, detail, selector))
    return errors


def _equal(left: str, right: str) -> bool:
    return left == right


def _same_quantity(left: str, right: str) -> bool:
    if left == right:
        return True
    try:
        return Quantity.parse(left) == Quantity.parse(right)
    except QuantityError:
        return left == right


def same_architecture(subject: Subject) -> list[FieldError]:
    """Rule 5: every selected node has the same (known) CPU architecture."""
    return _uniform(
        subject,
        lambda node: node.architecture,
        "architecture",
        "status.nodeInfo.architecture",
        _equal,
    )


def same_cpu_capacity(subject: Subject) -> list[FieldError]:
    """Rule 6: every selected node has the same (known) CPU capacity."""
    return _uniform(
        subject,
        lambda node: node.cpu_capacity,
        "CPU capacity",
        "status.capacity.cpu",
        _same_quantity,
    )


def kernel_page_size(subject: Subject) -> list[FieldError]:
    """Rule 7: ``kernelPageSize`` fits the nodes' architecture (checked only when set)."""
    size = subject.spec.kernel_page_size
    if size is None:
        return []
    arch = subject.cluster.architecture
    allowed = KERNEL_PAGE_SIZES.get(arch)
    errors = []
    if allowed is not None and size not in allowed:
        detail = (
            f"kernel page size {size!r} is not supported on {arch} nodes; "
            f"use {' or '.join(allowed)}"
        )
        errors.append(FieldError(ErrorType.NOT_SUPPORTED, "spec.kernelPageSize", detail, size))
    if arch == ARM64 and size == "64k" and subject.spec.realtime_kernel_enabled:
        detail = (
            "64k pages are not supported on ARM64 with a real-time kernel yet; "
            "use kernelPageSize 4k or disable spec.realTimeKernel"
        )
        errors.append(FieldError(ErrorType.FORBIDDEN, "spec.kernelPageSize", detail))
    return errors


def compatible_hugepage_sizes(arch: str, kernel_page_size: str) -> tuple[str, ...]:
    """Hugepage sizes valid for the architecture and kernel page size (all when unknown)."""
    if arch == AMD64:
        return _HUGEPAGE_SIZES[(AMD64, "4k")]
    return _HUGEPAGE_SIZES.get((arch, kernel_page_size), _ALL_HUGEPAGE_SIZES)


def _size_detail(arch: str, page_size: str, sizes: tuple[str, ...], default: bool) -> str:
    which = "default huge page sizes" if default else "huge page sizes"
    detail = (
        f"the compatible {which} for the selected kernel page size {page_size} are: "
        f"{', '.join(sizes)}; see {HUGEPAGES_DOC}"
    )
    if arch == ARM64:
        detail += "; on ARM64 spec.kernelPageSize selects which sizes are available"
    return detail


def _duplicates(pages: list[tuple[int, str, int | None]]) -> list[FieldError]:
    groups: dict[tuple[str, int | None], list[int]] = {}
    for index, size, node in pages:
        groups.setdefault((size, node), []).append(index)
    errors = []
    for (size, node), indexes in groups.items():
        if len(indexes) < 2:
            continue
        where = "without the specified NUMA node" if node is None else f"with NUMA node {node}"
        listed = summarize([f"pages[{i}]" for i in indexes])
        detail = (
            f"the page with the size {size!r} and {where} has duplication ({listed}); "
            "list each size once per NUMA node and add up the counts"
        )
        errors.append(
            FieldError(ErrorType.DUPLICATE, f"spec.hugepages.pages[{indexes[1]}]", detail, size)
        )
    return errors


def hugepages(subject: Subject) -> list[FieldError]:
    """Rule 8: a default size when pages are set, compatible sizes, no duplicate pages."""
    config = subject.spec.hugepages
    if config is None:
        return []
    arch = subject.cluster.architecture
    page_size = subject.spec.effective_kernel_page_size
    sizes = compatible_hugepage_sizes(arch, page_size)
    pages = config.pages or []
    errors = []
    default = config.default_hugepages_size
    if pages and default is None:
        detail = "defaultHugepagesSize must be specified when hugepages are configured"
        errors.append(FieldError(ErrorType.REQUIRED, "spec.hugepages.defaultHugepagesSize", detail))
    if default is not None and default not in sizes:
        detail = _size_detail(arch, page_size, sizes, default=True)
        field = "spec.hugepages.defaultHugepagesSize"
        errors.append(FieldError(ErrorType.NOT_SUPPORTED, field, detail, default))
    sized: list[tuple[int, str, int | None]] = []
    for index, page in enumerate(pages):
        field = f"spec.hugepages.pages[{index}].size"
        if page.size is None:
            detail = "the huge page size is required; set it to one such as '2M' or '1G'"
            errors.append(FieldError(ErrorType.REQUIRED, field, detail))
            continue
        sized.append((index, page.size, page.node))
        if page.size not in sizes:
            detail = _size_detail(arch, page_size, sizes, default=False)
            errors.append(FieldError(ErrorType.NOT_SUPPORTED, field, detail, page.size))
    return errors + _duplicates(sized)
