"""The spec `light.Reader` reads by, compiled from the pydantic models themselves.

Run when the catalog cache is built (pydantic is imported then anyway), so a field added or
a constraint changed in `model.py` reaches the light path with the next cache, whose key
includes the models' source. Anything this compiler does not recognise becomes an
"unknown" node, on which the light path always falls back to pydantic.
"""

from __future__ import annotations

import datetime as dt
import types
from enum import StrEnum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import AfterValidator, BaseModel, BeforeValidator, StringConstraints
from pydantic.fields import FieldInfo

from madoguchi.engine import light

_CONFIG_KEYS = {
    "extra",
    "frozen",
    "coerce_numbers_to_str",
    "str_strip_whitespace",
    "defer_build",
}


def compile_spec(*roots: type[BaseModel]) -> light.Spec:
    """Every model reachable from `roots`, by class name."""
    spec: light.Spec = {}
    pending = list(roots)
    while pending:
        model = pending.pop()
        if model.__name__ in spec:
            continue
        spec[model.__name__] = {}  # reserved: a model refers to itself or a sibling
        spec[model.__name__] = _model(model, pending)
    return spec


def _model(model: type[BaseModel], pending: list[type[BaseModel]]) -> dict[str, Any]:
    config = dict(model.model_config)
    decorators = model.__pydantic_decorators__
    plain = (
        set(config) <= _CONFIG_KEYS
        and config.get("extra") in (None, "allow", "ignore")
        and not any(
            (
                decorators.validators,
                decorators.field_validators,
                decorators.root_validators,
                decorators.model_validators,
                decorators.field_serializers,
                decorators.model_serializers,
                decorators.computed_fields,
            )
        )
    )
    strip = bool(config.get("str_strip_whitespace"))
    fields = []
    for name, info in model.model_fields.items():
        if info.alias not in (None, name) or info.validation_alias not in (None, name):
            node: light.Node = ("unknown", f"{name} has an alias")
        elif not plain:
            node = ("unknown", f"{model.__name__} validates beyond its fields")
        else:
            node = _node(info.annotation, list(info.metadata), strip, pending)
        fields.append([name, node, _default(info)])
    mixins = [base.__name__ for base in model.__mro__ if base.__name__ in light.MIXINS]
    return {
        "fields": fields,
        "mixins": mixins,
        "coerce": bool(config.get("coerce_numbers_to_str")),
    }


def _default(info: FieldInfo) -> light.Node:
    if info.is_required():
        return ("required",)
    if info.default_factory is not None:
        return ("unknown-default",)
    value = info.default
    if isinstance(value, StrEnum) and type(value).__name__ in light.ENUMS:
        return ("enum", type(value).__name__, value.value)
    if value is None or type(value) in (bool, int, str):
        return ("value", value)
    if value == [] and type(value) is list:
        return ("list",)
    if value == {} and type(value) is dict:
        return ("dict",)
    if isinstance(value, BaseModel) and value == type(value)():
        return ("model", type(value).__name__)
    return ("unknown-default",)


def _node(
    annotation: Any, metadata: list[Any], strip: bool, pending: list[type[BaseModel]]
) -> light.Node:
    """The node of a type and its metadata (constraints, then validators, in order)."""
    if get_origin(annotation) is Annotated:
        inner, *more = get_args(annotation)
        return _node(inner, [*more, *metadata], strip, pending)
    befores = [m for m in metadata if isinstance(m, BeforeValidator)]
    afters = [m for m in metadata if isinstance(m, AfterValidator)]
    constraints = [m for m in metadata if not isinstance(m, BeforeValidator | AfterValidator)]
    none_ok = ""
    for before in befores:
        name = getattr(before.func, "__name__", "")
        if light.BEFORE.get(name) is None or before.func is not getattr(light.KINDS, name, None):
            return ("unknown", f"before {name}")
        none_ok = light.BEFORE[name]
    if afters:
        names = []
        for after in afters:
            name = getattr(after.func, "__name__", "")
            if name not in light.AFTER or light.AFTER[name][0] is not after.func:
                return ("unknown", f"after {name}")
            names.append(name)
        return ("after", _node(annotation, [*befores, *constraints], strip, pending), names)

    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin in (Union, types.UnionType):
        others = [a for a in args if a is not type(None)]
        if len(others) != 1 or len(args) != 2:
            return ("unknown", f"union {annotation}")
        return ("optional", _node(others[0], constraints, strip, pending))
    if origin is list:
        if constraints or none_ok not in ("", "list"):
            return ("unknown", "constrained list")
        return ("list", _node(args[0], [], strip, pending), none_ok == "list")
    if origin is dict:
        if constraints or none_ok not in ("", "dict"):
            return ("unknown", "constrained dict")
        key = _node(args[0], [], strip, pending)
        return ("dict", key, _node(args[1], [], strip, pending), none_ok == "dict")
    if origin is Literal:
        if constraints or not all(type(a) in (int, str) for a in args):
            return ("unknown", "literal")
        return ("literal", tuple(args))
    if origin is not None:
        return ("unknown", f"generic {annotation}")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if constraints or none_ok not in ("", "dict"):
            return ("unknown", "constrained model")
        pending.append(annotation)
        return ("model", annotation.__name__, none_ok == "dict")
    if none_ok:
        return ("unknown", "None-to-empty on a plain type")
    if annotation is str:
        return _str(constraints, strip)
    if annotation is bool:
        return ("bool",) if not constraints else ("unknown", "constrained bool")
    if annotation is int:
        return _int(constraints)
    if annotation is dt.datetime:
        return ("datetime",) if not constraints else ("unknown", "constrained datetime")
    if annotation is dt.date:
        return ("date",) if not constraints else ("unknown", "constrained date")
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        if light.ENUMS.get(annotation.__name__) is not annotation or constraints:
            return ("unknown", f"enum {annotation.__name__}")
        return ("enum", annotation.__name__)
    return ("unknown", f"type {annotation}")


def _str(constraints: list[Any], strip: bool) -> light.Node:
    low = high = pattern = None
    for item in constraints:
        if isinstance(item, StringConstraints):
            extra = (item.to_upper, item.to_lower, item.strict, item.ascii_only)
            if any(extra) or item.strip_whitespace is False:
                return ("unknown", "string constraint")
            strip = strip or bool(item.strip_whitespace)
            low = item.min_length if item.min_length is not None else low
            high = item.max_length if item.max_length is not None else high
            if item.pattern is not None:
                if not isinstance(item.pattern, str):
                    return ("unknown", "compiled pattern")
                pattern = item.pattern
        elif isinstance(item, annotated_types.MinLen):
            low = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            high = item.max_length
        else:
            return ("unknown", f"str {item!r}")
    return ("str", low, high, pattern, strip)


def _int(constraints: list[Any]) -> light.Node:
    low = high = None
    items = list(constraints)
    while items:
        item = items.pop(0)
        if isinstance(item, FieldInfo):  # Annotated[int, Field(ge=0)]
            if item.annotation not in (None, type(None)) and item.annotation is not int:
                return ("unknown", "int field")
            items.extend(item.metadata)
        elif isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Le):
            high = item.le
        else:
            return ("unknown", f"int {item!r}")
    return ("int", low, high)


def plain(value: Any) -> Any:
    """A validated record as plain data that the light reader reads back into the same
    values: its declared fields only, enumerations as their values, dates in ISO form."""
    if isinstance(value, BaseModel):
        return {name: plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date):  # and datetimes
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    return value
