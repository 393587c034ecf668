"""Object names: which names a kind accepts, ``metadata.generateName``, and the 422 for the rest.

A real kube-apiserver validates ``metadata.name`` (and ``generateName`` as a prefix) with a rule
chosen per kind, in the kind's validation strategy, before anything is stored:

- DNS-1123 subdomain (at most 253 characters) for most kinds, custom resources included;
- DNS-1123 label (at most 63) for Namespaces; DNS-1035 label (starts with a letter) for Services;
- path-segment names for RBAC kinds (``system:controller:x`` is fine; ``/``, ``%``, ``.``, ``..``
  are not);
- a CustomResourceDefinition must be named ``<spec.names.plural>.<spec.group>``.

The messages are apimachinery's (``validation.IsDNS1123Subdomain``, ``path.IsValidPathSegmentName``,
``ValidateObjectMeta``), reported through :func:`nto.testing._errors.invalid`. Generated names
follow ``names.SimpleNameGenerator``: the prefix is cut to 58 characters, then 5 random ones are
appended. The pipeline (:mod:`nto.testing._pipeline`) calls :func:`check_create` before admission.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Mapping
from typing import Any

from nto.testing._errors import Cause, invalid
from nto.testing._resources import ResourceInfo
from nto_api.objects import metadata_of, name_of

NameRule = Callable[[str, bool], list[str]]  # (name, is_prefix) -> error details

_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = _LABEL + r"(\." + _LABEL + ")*"
_DNS1035 = "[a-z]([-a-z0-9]*[a-z0-9])?"
_LABEL_RE = re.compile(f"^{_LABEL}$")
_SUBDOMAIN_RE = re.compile(f"^{_SUBDOMAIN}$")
_DNS1035_RE = re.compile(f"^{_DNS1035}$")

_GENERATED_SUFFIX = 5
_GENERATED_PREFIX_MAX = 63 - _GENERATED_SUFFIX
_NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # no vowels: generated names spell no words


def _regex_error(message: str, pattern: str, *examples: str) -> str:
    """apimachinery ``validation.RegexError``: the rule, examples and the regex."""
    if not examples:
        return f"{message} (regex used for validation is '{pattern}')"
    listed = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {listed}regex used for validation is '{pattern}')"


def _max_len(length: int) -> str:
    return f"must be no more than {length} characters"


def _mask_trailing_dash(name: str) -> str:
    """A generateName prefix may end in ``-``: check it as if a character followed."""
    return name[:-1] + "a" if len(name) > 1 and name.endswith("-") else name


def dns1123_subdomain(name: str, prefix: bool = False) -> list[str]:
    value = _mask_trailing_dash(name) if prefix else name
    errors = [_max_len(253)] if len(value) > 253 else []
    if not _SUBDOMAIN_RE.match(value):
        errors.append(
            _regex_error(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
                " characters, '-' or '.', and must start and end with an alphanumeric character",
                _SUBDOMAIN,
                "example.com",
            )
        )
    return errors


def dns1123_label(name: str, prefix: bool = False) -> list[str]:
    value = _mask_trailing_dash(name) if prefix else name
    errors = [_max_len(63)] if len(value) > 63 else []
    if not _LABEL_RE.match(value):
        errors.append(
            _regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters"
                " or '-', and must start and end with an alphanumeric character",
                _LABEL,
                "my-name",
                "123-abc",
            )
        )
    return errors


def dns1035_label(name: str, prefix: bool = False) -> list[str]:
    value = _mask_trailing_dash(name) if prefix else name
    errors = [_max_len(63)] if len(value) > 63 else []
    if not _DNS1035_RE.match(value):
        errors.append(
            _regex_error(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-',"
                " start with an alphabetic character, and end with an alphanumeric character",
                _DNS1035,
                "my-name",
                "abc-123",
            )
        )
    return errors


def path_segment(name: str, prefix: bool = False) -> list[str]:
    """``path.IsValidPathSegmentName`` (or ``...Prefix`` for generateName)."""
    if not prefix and name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name]


_RULES: Mapping[tuple[str, str], NameRule] = {
    ("", "namespaces"): dns1123_label,
    ("", "services"): dns1035_label,
    ("rbac.authorization.k8s.io", "roles"): path_segment,
    ("rbac.authorization.k8s.io", "rolebindings"): path_segment,
    ("rbac.authorization.k8s.io", "clusterroles"): path_segment,
    ("rbac.authorization.k8s.io", "clusterrolebindings"): path_segment,
}


def rule_for(info: ResourceInfo) -> NameRule:
    """The name rule of a resource: DNS-1123 subdomain unless the kind has its own."""
    return _RULES.get(info.key, dns1123_subdomain)


def generate(prefix: str, taken: Callable[[str], bool]) -> str | None:
    """A free name from ``prefix`` as ``SimpleNameGenerator`` makes it, or None after 100 tries."""
    base = prefix[:_GENERATED_PREFIX_MAX]
    for _ in range(100):
        name = base + "".join(random.choices(_NAME_CHARS, k=_GENERATED_SUFFIX))
        if not taken(name):
            return name
    return None


def name_causes(info: ResourceInfo, meta: Mapping[str, Any]) -> list[Cause]:
    """The ``metadata.name``/``generateName`` field errors a create would get (none if valid)."""
    rule = rule_for(info)
    name = meta.get("name")
    generate_name = meta.get("generateName")
    if (  # the common case, checked without building messages
        not generate_name
        and isinstance(name, str)
        and rule is dns1123_subdomain
        and len(name) <= 253
        and _SUBDOMAIN_RE.match(name)
    ):
        return []
    causes: list[Cause] = []
    if isinstance(generate_name, str) and generate_name:
        value = json_quote(generate_name)
        causes += [
            ("metadata.generateName", f"Invalid value: {value}: {detail}")
            for detail in rule(generate_name, True)
        ]
    if not name:
        causes.append(
            (
                "metadata.name",
                "Required value: name or generateName is required",
                "FieldValueRequired",
            )
        )
    elif not isinstance(name, str):
        causes.append(("metadata.name", f"Invalid value: {name!r}: must be a string"))
    else:
        causes += [
            ("metadata.name", f"Invalid value: {json_quote(name)}: {detail}")
            for detail in rule(name, False)
        ]
    return causes


def json_quote(text: str) -> str:
    """``text`` as Go's ``%q`` prints it in ``Invalid value: "..."``."""
    return json.dumps(text, ensure_ascii=False)


def crd_name_causes(crd: Mapping[str, Any]) -> list[Cause]:
    """A CRD's name must be ``<spec.names.plural>.<spec.group>``."""
    name = name_of(crd)
    spec = crd.get("spec") or {}
    plural = (spec.get("names") or {}).get("plural")
    group = spec.get("group")
    if not plural or not group or name == f"{plural}.{group}":
        return []
    return [
        (
            "metadata.name",
            f'Invalid value: {json_quote(name)}: must be spec.names.plural+"."+spec.group',
        )
    ]


def check_create(info: ResourceInfo, obj: Mapping[str, Any]) -> None:
    """Raise the 422 a real server sends for a create whose name is not valid for its kind."""
    meta = metadata_of(obj)
    causes = name_causes(info, meta)
    if info.key == ("apiextensions.k8s.io", "customresourcedefinitions") and not causes:
        causes = crd_name_causes(obj)
    if causes:
        name = name_of(obj)
        raise invalid(info.kind, info.group, name or "", causes)
