"""Domains, workflow and activity types, and tags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aioswf.local.faults import (
    DomainAlreadyExistsFault,
    DomainDeprecatedFault,
    LimitExceededFault,
    TooManyTagsFault,
    TypeAlreadyExistsFault,
    TypeDeprecatedFault,
    TypeNotDeprecatedFault,
    UnknownResourceFault,
)
from aioswf.local.paging import paged
from aioswf.local.records import ActivityTypeRecord, DomainRecord, WorkflowTypeRecord
from aioswf.local.rules import Checks

if TYPE_CHECKING:
    from aioswf.local.state import State

__all__ = ["HANDLERS"]

Json = dict[str, Any]
MAX_TAGS = 50
MAX_RETENTION_DAYS = 90

_WORKFLOW_DEFAULTS = (
    "defaultTaskStartToCloseTimeout",
    "defaultExecutionStartToCloseTimeout",
    "defaultTaskList",
    "defaultTaskPriority",
    "defaultChildPolicy",
    "defaultLambdaRole",
)
_ACTIVITY_DEFAULTS = (
    "defaultTaskStartToCloseTimeout",
    "defaultTaskHeartbeatTimeout",
    "defaultTaskList",
    "defaultTaskPriority",
    "defaultTaskScheduleToStartTimeout",
    "defaultTaskScheduleToCloseTimeout",
)


# -- domains ------------------------------------------------------------------------------------


def register_domain(state: State, p: Json) -> Json:
    """``RegisterDomain``."""
    name = p["name"]
    checks = Checks()
    checks.name(name, "name")
    retention = p["workflowExecutionRetentionPeriodInDays"]
    if retention != "NONE" and (
        not (retention.isascii() and retention.isdigit()) or int(retention) > MAX_RETENTION_DAYS
    ):
        checks.add(
            retention,
            "workflowExecutionRetentionPeriodInDays",
            f"Member must be a whole number of days from 0 to {MAX_RETENTION_DAYS}, or NONE",
        )
    checks.done()
    if name in state.domains:
        raise DomainAlreadyExistsFault(name)
    tags = _tags(p.get("tags", []))
    state.domains[name] = DomainRecord(
        name=name,
        description=p.get("description"),
        retention_days=retention,
        arn=f"arn:aws:swf:{state.region}:{state.account_id}:/domain/{name}",
        tags=tags,
    )
    state.changed_domain(name)
    return {}


def _tags(tags: list[Json]) -> dict[str, str]:
    result = {tag["key"]: tag.get("value", "") for tag in tags}
    if len(result) > MAX_TAGS:
        raise TooManyTagsFault(f"A resource can have at most {MAX_TAGS} tags")
    return result


def describe_domain(state: State, p: Json) -> Json:
    """``DescribeDomain``."""
    domain = state.domain(p["name"])
    return {
        "domainInfo": domain.info(),
        "configuration": {"workflowExecutionRetentionPeriodInDays": domain.retention_days},
    }


def deprecate_domain(state: State, p: Json) -> Json:
    """``DeprecateDomain``."""
    domain = state.domain(p["name"])
    if domain.status == "DEPRECATED":
        raise DomainDeprecatedFault(domain.name)
    domain.status = "DEPRECATED"
    state.changed_domain(domain.name)
    return {}


def undeprecate_domain(state: State, p: Json) -> Json:
    """``UndeprecateDomain``."""
    domain = state.domain(p["name"])
    if domain.status == "REGISTERED":
        raise DomainAlreadyExistsFault(domain.name)
    domain.status = "REGISTERED"
    state.changed_domain(domain.name)
    return {}


def list_domains(state: State, p: Json) -> Json:
    """``ListDomains`` (by name, ascending unless ``reverseOrder``)."""
    status = p["registrationStatus"]
    domains = sorted((d for d in state.domains.values() if d.status == status), key=lambda d: d.name)
    if p.get("reverseOrder"):
        domains.reverse()
    return paged("domainInfos", [d.info() for d in domains], p, f"ListDomains/{status}")


def _domain_by_arn(state: State, arn: str) -> DomainRecord:
    prefix = f"arn:aws:swf:{state.region}:{state.account_id}:/domain/"
    domain = state.domains.get(arn[len(prefix) :]) if arn.startswith(prefix) else None
    if domain is None:
        raise UnknownResourceFault(f"Unknown resource: {arn}")
    return domain


def tag_resource(state: State, p: Json) -> Json:
    """``TagResource``."""
    domain = _domain_by_arn(state, p["resourceArn"])
    merged = {**domain.tags, **_tags(p["tags"])}
    if len(merged) > MAX_TAGS:
        raise TooManyTagsFault(f"A resource can have at most {MAX_TAGS} tags")
    domain.tags = merged
    state.changed_domain(domain.name)
    return {}


def untag_resource(state: State, p: Json) -> Json:
    """``UntagResource``."""
    domain = _domain_by_arn(state, p["resourceArn"])
    for key in p["tagKeys"]:
        domain.tags.pop(key, None)
    state.changed_domain(domain.name)
    return {}


def list_tags_for_resource(state: State, p: Json) -> Json:
    """``ListTagsForResource``."""
    domain = _domain_by_arn(state, p["resourceArn"])
    return {"tags": [{"key": key, "value": value} for key, value in domain.tags.items()]}


# -- types --------------------------------------------------------------------------------------


def _types(state: State, p: Json, kind: str) -> dict[tuple[str, str], Any]:
    domain = state.domain(p["domain"])
    return domain.workflow_types if kind == "workflow" else domain.activity_types


def _type(state: State, p: Json, kind: str) -> Any:
    ref = p[f"{kind}Type"]
    found = _types(state, p, kind).get((ref["name"], ref["version"]))
    if found is None:
        raise UnknownResourceFault(
            f"Unknown type: {kind.capitalize()}Type=[name={ref['name']}, version={ref['version']}]"
        )
    return found


def _register(state: State, p: Json, kind: str) -> Json:
    name, version = p["name"], p["version"]
    defaults = _WORKFLOW_DEFAULTS if kind == "workflow" else _ACTIVITY_DEFAULTS
    configuration = {key: p[key] for key in defaults if key in p}
    checks = Checks()
    checks.name(name, "name")
    checks.name(version, "version")
    for key, value in configuration.items():
        if key.endswith("Timeout"):
            # As the API reference says: an execution's start-to-close timeout is never unlimited.
            checks.duration(value, key, unlimited=key != "defaultExecutionStartToCloseTimeout")
    checks.priority(configuration.get("defaultTaskPriority"), "defaultTaskPriority")
    checks.name((configuration.get("defaultTaskList") or {}).get("name"), "defaultTaskList.name")
    checks.done()
    domain = state.domain(p["domain"], registered=True)
    types: dict[tuple[str, str], Any] = domain.workflow_types if kind == "workflow" else domain.activity_types
    if (name, version) in types:
        raise TypeAlreadyExistsFault(f"{kind.capitalize()}Type=[name={name}, version={version}]")
    if len(types) >= 10000:
        raise LimitExceededFault("Too many types in the domain")
    cls = WorkflowTypeRecord if kind == "workflow" else ActivityTypeRecord
    types[(name, version)] = cls(name, version, p.get("description"), state.now(), configuration)
    state.changed_type(domain.name, kind, name, version)
    return {}


def _describe(state: State, p: Json, kind: str) -> Json:
    found = _type(state, p, kind)
    return {"typeInfo": found.info(), "configuration": dict(found.configuration)}


def _deprecate(state: State, p: Json, kind: str) -> Json:
    found = _type(state, p, kind)
    if found.status == "DEPRECATED":
        raise TypeDeprecatedFault(f"{kind.capitalize()}Type=[name={found.name}, version={found.version}]")
    found.status = "DEPRECATED"
    found.deprecation = state.now()
    state.changed_type(p["domain"], kind, found.name, found.version)
    return {}


def _undeprecate(state: State, p: Json, kind: str) -> Json:
    found = _type(state, p, kind)
    if found.status == "REGISTERED":
        raise TypeAlreadyExistsFault(f"{kind.capitalize()}Type=[name={found.name}, version={found.version}]")
    found.status = "REGISTERED"
    found.deprecation = None
    state.changed_type(p["domain"], kind, found.name, found.version)
    return {}


def _delete(state: State, p: Json, kind: str) -> Json:
    found = _type(state, p, kind)
    if found.status != "DEPRECATED":
        raise TypeNotDeprecatedFault(f"{kind.capitalize()}Type=[name={found.name}, version={found.version}]")
    del _types(state, p, kind)[(found.name, found.version)]
    state.changed_type(p["domain"], kind, found.name, found.version)
    return {}


def _list(state: State, p: Json, kind: str) -> Json:
    status = p["registrationStatus"]
    name = p.get("name")
    found = sorted(
        (
            t
            for t in _types(state, p, kind).values()
            if t.status == status and (name is None or t.name == name)
        ),
        key=lambda t: (t.name, t.version),
    )
    if p.get("reverseOrder"):
        found.reverse()
    scope = f"List{kind}Types/{p['domain']}/{status}/{name or ''}"
    return paged("typeInfos", [t.info() for t in found], p, scope)


def _bind(function: Any, kind: str) -> Any:
    def handler(state: State, p: Json) -> Json:
        result: Json = function(state, p, kind)
        return result

    return handler


HANDLERS: dict[str, Any] = {
    "RegisterDomain": register_domain,
    "DescribeDomain": describe_domain,
    "DeprecateDomain": deprecate_domain,
    "UndeprecateDomain": undeprecate_domain,
    "ListDomains": list_domains,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
for _kind, _prefix in (("workflow", "Workflow"), ("activity", "Activity")):
    HANDLERS[f"Register{_prefix}Type"] = _bind(_register, _kind)
    HANDLERS[f"Describe{_prefix}Type"] = _bind(_describe, _kind)
    HANDLERS[f"Deprecate{_prefix}Type"] = _bind(_deprecate, _kind)
    HANDLERS[f"Undeprecate{_prefix}Type"] = _bind(_undeprecate, _kind)
    HANDLERS[f"Delete{_prefix}Type"] = _bind(_delete, _kind)
    HANDLERS[f"List{_prefix}Types"] = _bind(_list, _kind)
