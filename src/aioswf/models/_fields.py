"""Attribute validators and converters shared by the models (private)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from aioswf import constants, validation
from aioswf.exceptions import ValidationError

if TYPE_CHECKING:
    from aioswf.models.domain import Domain


def check_name(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    validation.check_name(value, attribute.name)


def check_version(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    validation.check_version(value, attribute.name)


def check_optional_name(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        validation.check_name(value, attribute.name)


def check_run_id(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    validation.check_run_id(value, attribute.name)


def check_arn(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    validation.check_arn(value, attribute.name)


def check_registration(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    validation.check_choice(value, attribute.name, constants.REGISTRATION_STATUSES)


def check_child_policy(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    validation.check_child_policy(value, attribute.name)


def check_description(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    validation.check_description(value, attribute.name)


def execution_timeout(value: Any) -> str | None:
    return validation.check_timeout(value, "execution_timeout", allow_none=False)


def decision_tasks_timeout(value: Any) -> str | None:
    return validation.check_timeout(value, "decision_tasks_timeout")


def task_heartbeat_timeout(value: Any) -> str | None:
    return validation.check_timeout(value, "task_heartbeat_timeout")


def task_schedule_to_close_timeout(value: Any) -> str | None:
    return validation.check_timeout(value, "task_schedule_to_close_timeout")


def task_schedule_to_start_timeout(value: Any) -> str | None:
    return validation.check_timeout(value, "task_schedule_to_start_timeout")


def task_start_to_close_timeout(value: Any) -> str | None:
    return validation.check_timeout(value, "task_start_to_close_timeout")


def to_tags(value: Iterable[str] | None) -> tuple[str, ...] | None:
    tags = validation.check_tags(value)
    return None if tags is None else tuple(tags)


def priority(value: Any) -> str | None:
    return validation.check_task_priority(value)


def to_domain(value: Domain | str) -> Domain:
    from aioswf.models.domain import Domain

    if isinstance(value, str):
        return Domain(value)
    if not isinstance(value, Domain):
        raise ValidationError(
            f"domain must be a Domain or a domain's name, not {type(value).__name__}",
            argument="domain",
            limit="a Domain or a name",
        )
    return value


def put(params: dict[str, Any], key: str, value: Any) -> None:
    """Sets ``params[key]`` unless the value is ``None`` (SWF wants absent keys, not nulls)."""
    if value is not None:
        params[key] = value
