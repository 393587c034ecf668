"""The validation walk behind :func:`nto.testing.schema.validate`.

One :class:`Validator` walks a structural schema and a value side by side and collects
:class:`~nto.testing._schema_values.FieldError` items worded like kube-apiserver's (kube-openapi's
messages wrapped in apimachinery's field errors). It never raises on bad input: wrong types,
malformed schemas, broken patterns and nesting past :data:`MAX_DEPTH` become errors or are
skipped. List-type (``x-kubernetes-list-type``) and embedded-resource checks sit beside it in
:mod:`nto.testing._schema_lists`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from nto.testing import _schema_lists as lists
from nto.testing._schema_formats import format_ok, name_problems
from nto.testing._schema_values import (
    REASON_FORBIDDEN,
    REASON_NOT_SUPPORTED,
    REASON_REQUIRED,
    REASON_TOO_LONG,
    REASON_TOO_MANY,
    FieldError,
    go_number,
    go_quote,
    go_value,
    identity_key,
    short_json,
    type_name,
)

MAX_DEPTH = 128
"""Deepest nesting (objects and arrays) walked; deeper values get one error, not a crash."""

INT_OR_STRING = ("integer", "string")


def child(path: str, key: object) -> str:
    """The path of property ``key`` under ``path`` (``spec`` + ``cpu`` -> ``spec.cpu``)."""
    return f"{path}.{key}" if path else str(key)


def index(path: str, position: int) -> str:
    """The path of item ``position`` of the array at ``path`` (``spec.x[0]``)."""
    return f"{path}[{position}]"


def schema_types(schema: Mapping[str, Any]) -> tuple[str, ...]:
    """The JSON types a schema admits; empty when it admits any."""
    if schema.get("x-kubernetes-int-or-string") is True:
        return INT_OR_STRING
    declared = schema.get("type")
    if isinstance(declared, str):
        return (declared,)
    if isinstance(declared, list) and all(isinstance(item, str) for item in declared):
        return tuple(declared)
    return ()


def _type_ok(types: Sequence[str], actual: str, value: Any) -> bool:
    if actual in types:
        return True
    if actual == "integer" and "number" in types:
        return True
    # A float that is a whole number is an integer to kube-openapi (JSON has one number type).
    return actual == "number" and "integer" in types and float(value).is_integer()


@functools.lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str] | str:
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        return str(error)


def _number(bound: Any) -> int | float | None:
    if isinstance(bound, bool) or not isinstance(bound, int | float):
        return None
    return bound


class Validator:
    """Collects the field errors of one value against one schema."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    # --- reporting -------------------------------------------------------------------------

    def invalid(self, path: str, value: Any, detail: str) -> None:
        self.errors.append(FieldError(path, f"Invalid value: {go_value(value)}: {detail}"))

    def rule(self, path: str, value: Any, text: str) -> None:
        """A kube-openapi rule failure: ``<path> in body <text>`` (``body`` at the root)."""
        where = f"{path} in body" if path else "body"
        self.invalid(path, value, f"{where} {text}")

    def type_error(self, path: str, types: Sequence[str], actual: str) -> None:
        self.rule(path, actual, f"must be of type {','.join(types)}: {go_quote(actual)}")

    # --- the walk --------------------------------------------------------------------------

    def check(self, schema: Any, value: Any, path: str, depth: int) -> None:
        """Validate ``value`` at ``path`` against ``schema`` (a malformed schema checks nothing)."""
        if not isinstance(schema, Mapping):
            return
        if depth > MAX_DEPTH:
            self.invalid(path, type_name(value), f"nested deeper than {MAX_DEPTH} levels")
            return
        types = schema_types(schema)
        if value is None:
            if types and schema.get("nullable") is not True and "null" not in types:
                self.type_error(path, types, "null")
            return
        actual = type_name(value)
        if types and not _type_ok(types, actual, value):
            self.type_error(path, types, actual)
            return
        self._check_kind(schema, value, actual, path, depth)
        self._check_enum(schema, value, path)
        self._check_composition(schema, value, path, depth)

    def _check_kind(
        self,
        schema: Mapping[str, Any],
        value: Any,
        actual: str,
        path: str,
        depth: int,
    ) -> None:
        if actual == "object":
            self.check_object(schema, value, path, depth)
        elif actual == "array":
            self._check_array(schema, value, path, depth)
        elif actual == "string":
            self._check_string(schema, value, path)
        elif actual in {"integer", "number"}:
            self._check_number(schema, value, path)

    def check_object(
        self,
        schema: Mapping[str, Any],
        value: Mapping[Any, Any],
        path: str,
        depth: int,
        *,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        properties = schema.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        for name, sub in properties.items():
            if name in value and name not in skip:
                self.check(sub, value[name], child(path, name), depth + 1)
        required = schema.get("required")
        if isinstance(required, list):
            for name in required:
                if isinstance(name, str) and name not in value:
                    self.errors.append(
                        FieldError(child(path, name), "Required value", REASON_REQUIRED)
                    )
        self._check_additional(schema, value, properties, path, depth)
        self._check_property_count(schema, value, path)
        if schema.get("x-kubernetes-embedded-resource") is True:
            self.errors.extend(lists.embedded_resource_errors(value, path))
            self.check_metadata_name(value.get("metadata"), child(path, "metadata"))

    def _check_additional(
        self,
        schema: Mapping[str, Any],
        value: Mapping[Any, Any],
        properties: Mapping[str, Any],
        path: str,
        depth: int,
    ) -> None:
        additional = schema.get("additionalProperties")
        if isinstance(additional, Mapping):
            for key, item in value.items():
                if key not in properties:
                    self.check(additional, item, child(path, key), depth + 1)
        elif additional is False:
            for key in value:
                if key not in properties:
                    self.errors.append(
                        FieldError(child(path, key), "Forbidden: unknown field", REASON_FORBIDDEN)
                    )

    def _check_property_count(
        self, schema: Mapping[str, Any], value: Mapping[Any, Any], path: str
    ) -> None:
        low, high = _number(schema.get("minProperties")), _number(schema.get("maxProperties"))
        if low is not None and len(value) < low:
            self.rule(path, len(value), f"should have at least {go_number(low)} properties")
        if high is not None and len(value) > high:
            message = f"Too many: {len(value)}: must have at most {go_number(high)} items"
            self.errors.append(FieldError(path, message, REASON_TOO_MANY))

    def _check_array(
        self, schema: Mapping[str, Any], value: Sequence[Any], path: str, depth: int
    ) -> None:
        items = schema.get("items")
        if isinstance(items, Mapping):
            for position, item in enumerate(value):
                self.check(items, item, index(path, position), depth + 1)
        low, high = _number(schema.get("minItems")), _number(schema.get("maxItems"))
        if low is not None and len(value) < low:
            self.rule(path, len(value), f"should have at least {go_number(low)} items")
        if high is not None and len(value) > high:
            message = f"Too many: {len(value)}: must have at most {go_number(high)} items"
            self.errors.append(FieldError(path, message, REASON_TOO_MANY))
        if schema.get("uniqueItems") is True:
            keys = {identity_key(item) for item in value}
            if len(keys) != len(value):
                self.rule(path, "", "shouldn't contain duplicates")
        self.errors.extend(lists.list_type_errors(schema, value, path))

    def _check_string(self, schema: Mapping[str, Any], value: str, path: str) -> None:
        low, high = _number(schema.get("minLength")), _number(schema.get("maxLength"))
        if low is not None and len(value) < low:
            self.rule(path, value, f"should be at least {go_number(low)} chars long")
        if high is not None and len(value) > high:
            message = f"Too long: may not be longer than {go_number(high)}"
            self.errors.append(FieldError(path, message, REASON_TOO_LONG))
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            compiled = _compile(pattern)
            if isinstance(compiled, str):
                self.invalid(path, value, f"the schema's pattern {pattern!r} is broken: {compiled}")
            elif compiled.search(value) is None:
                self.rule(path, value, f"should match '{pattern}'")
        fmt = schema.get("format")
        if isinstance(fmt, str) and not format_ok(fmt, value):
            self.rule(path, value, f"must be of type {fmt}: {go_quote(value)}")

    def _check_number(self, schema: Mapping[str, Any], value: int | float, path: str) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            self.rule(path, go_number(value), "must be a finite number")
            return

        def shown(bound: int | float) -> str:
            # kube-openapi prints bounds as integers when it checks an integer value.
            whole = isinstance(value, int) and float(bound).is_integer()
            return go_number(int(bound)) if whole else _go_float_bound(bound)

        high, low = _number(schema.get("maximum")), _number(schema.get("minimum"))
        if high is not None:
            if schema.get("exclusiveMaximum") is True and value >= high:
                self.rule(path, value, f"should be less than {shown(high)}")
            elif value > high:
                self.rule(path, value, f"should be less than or equal to {shown(high)}")
        if low is not None:
            if schema.get("exclusiveMinimum") is True and value <= low:
                self.rule(path, value, f"should be greater than {shown(low)}")
            elif value < low:
                self.rule(path, value, f"should be greater than or equal to {shown(low)}")
        factor = _number(schema.get("multipleOf"))
        if factor is not None and factor > 0 and not _is_multiple(value, factor):
            self.rule(path, value, f"should be a multiple of {go_number(factor)}")

    def _check_enum(self, schema: Mapping[str, Any], value: Any, path: str) -> None:
        allowed = schema.get("enum")
        if not isinstance(allowed, list) or not allowed:
            return
        key = identity_key(value)
        if any(identity_key(option) == key for option in allowed):
            return
        shown = ", ".join(
            go_quote(option if isinstance(option, str) else short_json(option))
            for option in allowed
        )
        message = f"Unsupported value: {go_value(value)}: supported values: {shown}"
        self.errors.append(FieldError(path, message, REASON_NOT_SUPPORTED))

    def _check_composition(
        self, schema: Mapping[str, Any], value: Any, path: str, depth: int
    ) -> None:
        quoted = go_quote(path)
        any_of = _subschemas(schema.get("anyOf"))
        if any_of:
            results = [self._trial(sub, value, path, depth) for sub in any_of]
            if all(results):
                self.rule_composite(path, f"{quoted} must validate at least one schema (anyOf)")
                self.errors.extend(_fewest(results))
        one_of = _subschemas(schema.get("oneOf"))
        if one_of:
            results = [self._trial(sub, value, path, depth) for sub in one_of]
            passed = sum(1 for result in results if not result)
            if passed != 1:
                found = "Found none valid" if passed == 0 else f"Found {passed} valid alternatives"
                text = f"{quoted} must validate one and only one schema (oneOf). {found}"
                self.rule_composite(path, text)
                if passed == 0:
                    self.errors.extend(_fewest(results))
        all_of = _subschemas(schema.get("allOf"))
        if all_of:
            results = [self._trial(sub, value, path, depth) for sub in all_of]
            failed = [result for result in results if result]
            if failed:
                none = ". None validated" if len(failed) == len(results) else ""
                self.rule_composite(path, f"{quoted} must validate all the schemas (allOf){none}")
                for result in failed:
                    self.errors.extend(result)
        negated = schema.get("not")
        if isinstance(negated, Mapping) and not self._trial(negated, value, path, depth):
            self.rule_composite(path, f"{quoted} must not validate the schema (not)")

    def rule_composite(self, path: str, text: str) -> None:
        self.errors.append(FieldError(path, f'Invalid value: "": {text}'))

    def _trial(
        self, schema: Mapping[str, Any], value: Any, path: str, depth: int
    ) -> list[FieldError]:
        trial = Validator()
        trial.check(schema, value, path, depth)
        return trial.errors

    # --- metadata --------------------------------------------------------------------------

    def check_metadata_name(self, metadata: Any, path: str) -> None:
        """Apply the object-name rules to ``metadata.name`` when it is present."""
        if not isinstance(metadata, Mapping):
            if metadata is not None:
                self.type_error(path, ("object",), type_name(metadata))
            return
        name = metadata.get("name")
        if name is None:
            return
        if not isinstance(name, str):
            self.type_error(child(path, "name"), ("string",), type_name(name))
            return
        for problem in name_problems(name):
            self.invalid(child(path, "name"), name, problem)


def _go_float_bound(bound: int | float) -> str:
    """A bound as Go prints the float64 it is stored in (``1000000`` -> ``1e+06``)."""
    try:
        return go_number(float(bound))
    except OverflowError:
        return str(bound)


def _fewest(results: list[list[FieldError]]) -> list[FieldError]:
    """The failed branch closest to passing (kube-openapi reports that one's errors)."""
    best = results[0]
    for result in results[1:]:
        if len(result) < len(best):
            best = result
    return best


def _is_multiple(value: int | float, factor: int | float) -> bool:
    if isinstance(value, int) and isinstance(factor, int):
        return value % factor == 0
    try:
        return float(value / factor).is_integer()
    except (OverflowError, ZeroDivisionError):
        return True


def _subschemas(candidates: Any) -> list[Mapping[str, Any]]:
    if not isinstance(candidates, list):
        return []
    return [item for item in candidates if isinstance(item, Mapping)]
