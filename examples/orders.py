"""Order processing as plain async code on SWF, with aioswf.flow.

Each order is a workflow run (`ProcessOrder`):

1. reserve the stock (an activity whose first attempt fails, like a busy inventory service: it is
   retried after a backoff, by an SWF timer);
2. orders above 500.00 wait for a manager's approval (a signal), at most one hour;
3. charge the card (an activity), then ship the parcel through a child workflow (`Ship`: book a courier,
   then give it a pickup window, a timer);
4. send the customer a receipt (a plain function, run in a worker thread).

Where it runs:

* ``--endpoint-url URL`` or ``AWS_ENDPOINT_URL_SWF``: that SWF endpoint (e.g. ``python -m aioswf.local``);
* ``--aws``: Amazon SWF itself, with the usual AWS credentials and region;
* otherwise: a local SWF server, started in this process.

    python examples/orders.py --orders 4
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import decimal
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import aioswf
from aioswf import flow
from aioswf.exceptions import DomainAlreadyExistsError

DOMAIN = "aioswf-orders"
TASK_LIST = "orders"
APPROVAL_LIMIT = decimal.Decimal("500.00")
PICKUP_WINDOW = timedelta(seconds=2)  # short, so that the example finishes quickly


@dataclasses.dataclass
class Line:
    sku: str
    quantity: int
    price: decimal.Decimal


@dataclasses.dataclass
class Order:
    order_id: str
    customer: str
    lines: list[Line]

    @property
    def total(self) -> decimal.Decimal:
        return sum((line.price * line.quantity for line in self.lines), decimal.Decimal(0))


@dataclasses.dataclass
class Receipt:
    order_id: str
    total: decimal.Decimal
    payment_id: str
    tracking: str
    approved_by: str | None


# Activities: where the I/O happens (here simulated) ------------------------------------------------------


@flow.activity(retry=flow.RetryPolicy(initial_interval=1, maximum_attempts=5))
async def reserve_stock(order: Order) -> list[str]:
    """Reserves every line; the first attempt fails, as a busy inventory service would."""
    if flow.activity_info().attempt == 1:
        raise ConnectionError("the inventory service is busy")
    await asyncio.sleep(0.05)
    return [f"{line.sku}x{line.quantity}" for line in order.lines]


@flow.activity(start_to_close=60)
async def charge_card(order_id: str, amount: decimal.Decimal) -> str:
    """Charges the customer's card; returns the payment's id."""
    await asyncio.sleep(0.05)
    return f"pay-{order_id}-{amount}"


@flow.activity
async def book_courier(order_id: str) -> str:
    """Books a courier; returns the tracking number."""
    return f"track-{order_id}"


@flow.activity
def send_receipt(receipt: Receipt) -> None:
    """A plain function (the worker runs it in a thread, so it may block): emails the receipt."""
    logging.getLogger("orders").info("receipt for %s: %s", receipt.order_id, receipt)


# Workflows: plain async code, replayed from the history --------------------------------------------------


@flow.workflow
class Ship:
    """A child workflow: book a courier, then keep the parcel ready for the pickup window."""

    async def run(self, order_id: str) -> str:
        tracking = await flow.execute_activity(book_courier, order_id)
        await asyncio.sleep(PICKUP_WINDOW.total_seconds())  # an SWF timer
        return tracking


@flow.workflow(execution_start_to_close=timedelta(days=1))
class ProcessOrder:
    """Reserves, waits for approval when needed, charges, ships, and sends a receipt."""

    def __init__(self) -> None:
        self.approved_by: str | None = None

    @flow.signal
    def approve(self, manager: str) -> None:
        self.approved_by = manager

    async def run(self, order: Order) -> Receipt:
        reserved = await flow.execute_activity(reserve_stock, order)
        flow.logger.info("reserved %s", reserved)
        if order.total > APPROVAL_LIMIT:
            try:
                await flow.wait_condition(lambda: self.approved_by is not None, timeout=timedelta(hours=1))
            except TimeoutError:
                raise flow.ApplicationError(
                    "nobody approved the order", order.order_id, type="NotApproved"
                ) from None
        payment = await flow.execute_activity(charge_card, order.order_id, order.total)
        tracking = await flow.execute_child(Ship, order.order_id)
        receipt = Receipt(order.order_id, order.total, payment, tracking, self.approved_by)
        await flow.execute_activity(send_receipt, receipt)
        return receipt


# Setting up and running ----------------------------------------------------------------------------------


@asynccontextmanager
async def swf_connection(args: argparse.Namespace) -> AsyncIterator[aioswf.Connection]:
    """A connection to the configured endpoint, or to a local SWF server started here."""
    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_SWF")
    if endpoint or args.aws:
        print(f"SWF endpoint: {endpoint or 'AWS'}")
        async with aioswf.Connection(endpoint_url=endpoint, region_name=args.region) as conn:
            yield conn
        return
    from aioswf.local import LocalSWF

    async with LocalSWF(poll_wait=20) as local, local.connection() as conn:
        print(f"SWF endpoint: a local SWF server at {local.endpoint_url}")
        yield conn


def sample_orders(count: int) -> list[Order]:
    """Orders of growing size: every other one is above the approval limit."""
    return [
        Order(
            f"o-{n}",
            f"customer-{n}@example.com",
            [Line("book", 1 + n, decimal.Decimal("12.50")), Line("desk", n % 2, decimal.Decimal("499.00"))],
        )
        for n in range(1, count + 1)
    ]


async def main(argv: list[str] | None = None) -> int:
    """Runs the example; returns the process's exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=4, help="how many orders to process")
    parser.add_argument("--endpoint-url", help="an SWF endpoint (default: $AWS_ENDPOINT_URL_SWF, else local)")
    parser.add_argument("--aws", action="store_true", help="use Amazon SWF itself")
    parser.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    parser.add_argument("--verbose", action="store_true", help="log what the workflows and workers do")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )

    async with swf_connection(args) as conn:
        try:
            await aioswf.Domain(DOMAIN, retention_period=1, connection=conn).save()
        except DomainAlreadyExistsError:
            pass
        worker = flow.Worker(
            DOMAIN,
            TASK_LIST,
            workflows=[ProcessOrder, Ship],
            activities=[reserve_stock, charge_card, book_courier, send_receipt],
            connection=conn,
        )
        async with worker:
            orders = sample_orders(args.orders)
            handles = []
            for order in orders:
                handle = await flow.start(
                    ProcessOrder,
                    order,
                    domain=DOMAIN,
                    task_list=TASK_LIST,
                    workflow_id=f"order-{order.order_id}",
                    connection=conn,
                )
                if order.total > APPROVAL_LIMIT:
                    await handle.signal(ProcessOrder.approve, "manager@example.com")
                handles.append(handle)
            outcomes = await asyncio.gather(
                *(handle.result(timeout=120) for handle in handles), return_exceptions=True
            )

    failures = 0
    for order, outcome in zip(orders, outcomes, strict=True):
        if isinstance(outcome, Receipt):
            approval = f", approved by {outcome.approved_by}" if outcome.approved_by else ""
            print(
                f"{order.order_id}: {outcome.total} charged ({outcome.payment_id}), shipped {outcome.tracking}{approval}"
            )
        else:
            failures += 1
            print(f"{order.order_id}: FAILED {outcome!r}")
    print(f"{len(orders) - failures} of {len(orders)} orders processed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
