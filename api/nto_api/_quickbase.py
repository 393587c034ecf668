"""The machinery of `nto_api.quickread`: value checks, fields, the base class, metadata.

Each check returns the value as the pydantic model would hold it, or raises `Decline` when it is
not certain the model accepts it. `Quick` subclasses list their `Field`s; `Quick.read` builds an
instance from a JSON object. Neighbours: `nto_api.quickread` (the entry points),
`nto_api._quickprofile`, `nto_api._quickforeign` (the kinds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Final, Self, TypeVar

from nto_api.selectors import selector_matches

Q = TypeVar("Q", bound="Quick")

INT32: Final = (-(2**31), 2**31 - 1)
INT64: Final = (-(2**63), 2**63 - 1)


class Decline(Exception):
    """The document is outside what the quick reader checks; the model must decide."""


def text(value: object) -> str:
    if type(value) is not str:
        raise Decline
    return value


def flag(value: object) -> bool:
    if type(value) is not bool:
        raise Decline
    return value


def integer(bounds: tuple[int, int] | None) -> Callable[[object], int]:
    def check(value: object) -> int:
        if type(value) is not int or (bounds and not bounds[0] <= value <= bounds[1]):
            raise Decline
        return value

    return check


def text_map(value: object) -> dict[str, str]:
    if type(value) is not dict:
        raise Decline
    return {text(key): text(item) for key, item in value.items()}


def text_list(value: object) -> list[str]:
    if type(value) is not list:
        raise Decline
    return [text(item) for item in value]


def json_object(value: object) -> dict[str, Any]:
    """A JSON object kept as it is (``dict[str, Any]`` in the model)."""
    if type(value) is not dict:
        raise Decline
    for key in value:
        text(key)
    return value


def literal(expected: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value != expected or type(value) is not str:
            raise Decline
        return expected

    return check


def unmodelled(value: object) -> None:
    """A field this reader does not model (a profile's ``status``): only ``null`` passes."""
    raise Decline


def list_of(cls: type[Q]) -> Callable[[object], list[Q]]:
    def check(value: object) -> list[Q]:
        if type(value) is not list:
            raise Decline
        return [cls.read(item) for item in value]

    return check


class Field:
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


def nested(cls: type[Q]) -> Callable[[object], Q]:
    return cls.read


class Quick:
    """Base of the plain objects: built from a JSON object by the class's `FIELDS`."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[Field, ...]] = ()
    OPEN: ClassVar[bool] = False
    """Unknown keys are kept by the model (foreign kinds, metadata) rather than refused."""

    @classmethod
    def read(cls, value: object) -> Self:
        if type(value) is not dict:
            raise Decline
        keys = {field.key for field in cls.FIELDS}
        for key in value:
            # the models also accept snake_case field names: leave those to them
            if key not in keys and (not cls.OPEN or type(key) is not str or "_" in key):
                raise Decline
        self = object.__new__(cls)
        for field in cls.FIELDS:
            raw = value.get(field.key, ABSENT)
            if raw is ABSENT and field.default is not None:
                result = field.default()
            elif raw is ABSENT or raw is None:
                if field.required or field.default is not None:
                    raise Decline
                result = None
            else:
                result = field.check(raw)
            object.__setattr__(self, field.attr, result)
        return self

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.attr}={getattr(self, f.attr)!r}" for f in self.FIELDS)
        return f"{type(self).__name__}({shown})"


ABSENT: Final = object()


class QuickMeta(Quick):
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
    Field("name", "name", text),
    Field("generate_name", "generateName", text),
    Field("namespace", "namespace", text),
    Field("uid", "uid", text),
    Field("resource_version", "resourceVersion", text),
    Field("generation", "generation", integer(INT64)),
    Field("creation_timestamp", "creationTimestamp", text),
    Field("deletion_timestamp", "deletionTimestamp", text),
    Field("deletion_grace_period_seconds", "deletionGracePeriodSeconds", integer(INT64)),
    Field("labels", "labels", text_map),
    Field("annotations", "annotations", text_map),
    Field("owner_references", "ownerReferences", unmodelled),
    Field("finalizers", "finalizers", text_list),
)


def type_fields(api_version: str, kind: str) -> tuple[Field, Field]:
    """``apiVersion`` and ``kind``: absent reads as the expected value, anything else refuses."""
    return (
        Field("api_version", "apiVersion", literal(api_version), default=lambda: api_version),
        Field("kind", "kind", literal(kind), default=lambda: kind),
    )


def empty_meta() -> QuickMeta:
    return QuickMeta.read({})


class QuickRequirement(Quick):
    __slots__ = ("key", "operator", "values")
    OPEN = True
    key: str
    operator: str
    values: list[str] | None

    FIELDS = (
        Field("key", "key", text, required=True),
        Field("operator", "operator", text, required=True),
        Field("values", "values", text_list),
    )


class QuickLabelSelector(Quick):
    __slots__ = ("match_expressions", "match_labels")
    OPEN = True
    match_labels: dict[str, str] | None
    match_expressions: list[QuickRequirement] | None

    FIELDS = (
        Field("match_labels", "matchLabels", text_map),
        Field("match_expressions", "matchExpressions", list_of(QuickRequirement)),
    )

    def matches(self, labels: dict[str, str]) -> bool:
        """Whether `labels` satisfy the selector; an empty selector matches everything."""
        return selector_matches(self.match_labels, self.match_expressions, labels)
