"""``aioswf domain list|show|register|deprecate|undeprecate``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import click

from aioswf import constants
from aioswf.cli.invocation import Invocation, OrderedGroup, listing_options, output_option, swf_command
from aioswf.cli.output import columns
from aioswf.models import Domain
from aioswf.querysets import DomainQuerySet

__all__ = ["DOMAIN_COLUMNS", "DOMAIN_DETAIL", "domain", "domain_row"]

DOMAIN_COLUMNS = columns("name", "status", "description")
DOMAIN_DETAIL = columns("name", "status", "retention_days", "description", "arn")


def domain_row(domain: Domain) -> dict[str, Any]:
    """A domain as one item of output."""
    return {
        "name": domain.name,
        "status": domain.status,
        "retention_days": domain.retention_period,
        "description": domain.description,
        "arn": domain.arn,
    }


def _name(inv: Invocation, name: str | None) -> str:
    return inv.settings.require_domain(name)


async def list_domains(
    inv: Invocation, *, deprecated: bool, limit: int | None, page_size: int | None, reverse: bool
) -> None:
    """Lists the registered (or deprecated) domains, page by page."""
    status = constants.DEPRECATED if deprecated else constants.REGISTERED
    query = DomainQuerySet().all(status, page_size=page_size, limit=limit, reverse=reverse)

    async def rows() -> AsyncIterator[Mapping[str, Any]]:
        async for found in query:
            yield domain_row(found)

    await inv.printer.listing(rows(), DOMAIN_COLUMNS, what="domains")


async def register_domain(inv: Invocation, name: str, *, retention: int, description: str | None) -> None:
    """Registers a domain and prints it."""
    domain = await DomainQuerySet().create(name, description=description, retention_period=retention)
    inv.printer.rows([domain_row(domain)], columns("name", "status", "retention_days"))


@click.group("domain", cls=OrderedGroup)
def domain() -> None:
    """List, show, register, deprecate and undeprecate domains.

    NAME may be omitted where --domain (or AIOSWF_DOMAIN) names the domain.
    """


@domain.command("list")
@click.option("--deprecated", is_flag=True, help="List deprecated domains instead of registered ones.")
@listing_options
@output_option
@swf_command
async def list_(
    inv: Invocation, deprecated: bool, limit: int | None, page_size: int | None, reverse: bool
) -> None:
    """List domains (name, status, description).

    \b
    Examples:
      aioswf domain list
      aioswf domain list --deprecated -o json | jq -r .name
    """
    await list_domains(inv, deprecated=deprecated, limit=limit, page_size=page_size, reverse=reverse)


@domain.command("show")
@click.argument("name", required=False)
@output_option
@swf_command
async def show(inv: Invocation, name: str | None) -> None:
    """Show a domain: status, retention, description, ARN.

    \b
    Example:
      aioswf domain show crawl
    """
    found = await DomainQuerySet().get(_name(inv, name))
    inv.printer.item(domain_row(found), DOMAIN_DETAIL)


@domain.command("register")
@click.argument("name", required=False)
@click.option(
    "--retention",
    type=click.IntRange(0, constants.MAX_RETENTION_DAYS),
    default=30,
    show_default=True,
    metavar="DAYS",
    help="Days SWF keeps closed executions' histories (0-90).",
)
@click.option("--description", help="A description (up to 1024 characters).")
@output_option
@swf_command
async def register(inv: Invocation, name: str | None, retention: int, description: str | None) -> None:
    """Register a domain.

    \b
    Example:
      aioswf domain register crawl --retention 7 --description "the crawler"
    """
    await register_domain(inv, _name(inv, name), retention=retention, description=description)


@domain.command("deprecate")
@click.argument("name", required=False)
@swf_command
async def deprecate(inv: Invocation, name: str | None) -> None:
    """Deprecate a domain: nothing new starts in it; running executions go on.

    \b
    Example:
      aioswf domain deprecate crawl
    """
    await Domain(_name(inv, name)).delete()


@domain.command("undeprecate")
@click.argument("name", required=False)
@swf_command
async def undeprecate(inv: Invocation, name: str | None) -> None:
    """Undeprecate a domain.

    \b
    Example:
      aioswf domain undeprecate crawl
    """
    await Domain(_name(inv, name)).undelete()
