"""The DynamoDB client of a process and idempotent table creation."""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from datastore.kit import metrics

# Error codes of a throttled request (botocore retries them before giving up).
THROTTLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "Throttling",
    }
)


@dataclass(frozen=True)
class TableSpec:
    """A table as the access patterns need it: keys, indexes and the TTL attribute."""

    name: str
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[tuple[str, str, str | None], ...] = ()  # (name, partition, sort)
    ttl_attribute: str | None = None
    attribute_types: dict[str, str] = field(default_factory=dict)

    def definition(self, prefix: str) -> dict[str, Any]:
        keys = [(self.partition_key, "HASH")]
        if self.sort_key:
            keys.append((self.sort_key, "RANGE"))
        names = {self.partition_key, *(k for k in [self.sort_key] if k)}
        gsis = []
        for index_name, partition, sort in self.indexes:
            index_keys = [{"AttributeName": partition, "KeyType": "HASH"}]
            names.add(partition)
            if sort:
                index_keys.append({"AttributeName": sort, "KeyType": "RANGE"})
                names.add(sort)
            gsis.append(
                {
                    "IndexName": index_name,
                    "KeySchema": index_keys,
                    "Projection": {"ProjectionType": "ALL"},
                }
            )
        spec: dict[str, Any] = {
            "TableName": prefix + self.name,
            "KeySchema": [{"AttributeName": n, "KeyType": t} for n, t in keys],
            "AttributeDefinitions": [
                {"AttributeName": n, "AttributeType": self.attribute_types.get(n, "S")}
                for n in sorted(names)
            ],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if gsis:
            spec["GlobalSecondaryIndexes"] = gsis
        return spec


# Each domain registers its tables here on import (see datastore/*/items.py).
TABLES: dict[str, TableSpec] = {}


def register_table(spec: TableSpec) -> TableSpec:
    TABLES[spec.name] = spec
    return spec


class Dynamo:
    """Owns one aiobotocore client for the process; `table(name)` gives the full name."""

    def __init__(self, *, endpoint: str, region: str, prefix: str) -> None:
        self.endpoint = endpoint or None
        self.region = region
        self.prefix = prefix
        self._stack = AsyncExitStack()
        self.client: Any = None

    async def start(self) -> None:
        session = get_session()
        credentials: dict[str, str] = {}
        if self.endpoint:
            # DynamoDB Local accepts any credentials but botocore insists on some.
            credentials = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
        self.client = await self._stack.enter_async_context(
            session.create_client(
                "dynamodb",
                endpoint_url=self.endpoint,
                region_name=self.region,
                config=AioConfig(
                    max_pool_connections=50,
                    retries={"max_attempts": 3},
                    # DynamoDB validates every request itself; botocore's own check of a
                    # 100-item transaction was a few percent of a chat fan-out's CPU.
                    parameter_validation=False,
                ),
                **credentials,
            )
        )
        # Once per attempt, so throttles that a retry then hid are counted too.
        self.client.meta.events.register("response-received.dynamodb", _count_throttle)

    async def stop(self) -> None:
        await self._stack.aclose()

    def table(self, name: str) -> str:
        return self.prefix + name

    async def ping(self) -> None:
        await self.client.list_tables(Limit=1)

    async def batch_get(self, table: str, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The stored items of `keys` (raw): one BatchGetItem per 100 keys, the API's limit,
        retrying the unprocessed ones. Callers filter expired items (see `expired`)."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            request: dict[str, Any] = {table: {"Keys": keys[start : start + 100]}}
            while request:
                response = await self.client.batch_get_item(RequestItems=request)
                found.extend(response["Responses"].get(table, []))
                request = response.get("UnprocessedKeys") or {}
                if request:
                    # DynamoDB's way of throttling a batch: some keys come back unread.
                    metrics.DYNAMODB_THROTTLES.labels("BatchGetItem").inc()
        return found

    async def batch_write(self, table: str, requests: list[dict[str, Any]]) -> None:
        """Put/delete requests (idempotent ones: a retry repeats them): one BatchWriteItem
        per 25, the API's limit, retrying the unprocessed ones with a growing pause."""
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {table: requests[start : start + 25]}
            attempt = 0
            while pending:
                response = await self.client.batch_write_item(RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}
                if pending:
                    metrics.DYNAMODB_THROTTLES.labels("BatchWriteItem").inc()
                    await asyncio.sleep(min(0.05 * 2**attempt, 1.0))
                    attempt += 1

    async def query_all(self, **kwargs: Any) -> list[dict[str, Any]]:
        """Every item of a Query, following LastEvaluatedKey."""
        items: list[dict[str, Any]] = []
        while True:
            response = await self.client.query(**kwargs)
            items.extend(response["Items"])
            if "LastEvaluatedKey" not in response:
                return items
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _count_throttle(
    *, parsed_response: dict[str, Any] | None, event_name: str, **_kwargs: Any
) -> None:
    if parsed_response is None:
        return
    code = parsed_response.get("Error", {}).get("Code")
    if code in THROTTLE_CODES:
        # The event is "response-received.dynamodb.<Operation>": a fixed set of API names.
        metrics.DYNAMODB_THROTTLES.labels(event_name.rsplit(".", 1)[-1]).inc()


def expired(values: dict[str, Any], attribute: str = "expires_at") -> bool:
    """True once an item's TTL has passed: DynamoDB deletes expired items lazily, so every
    read filters them itself."""
    ttl = values.get(attribute)
    return ttl is not None and ttl <= time.time()


async def create_tables(dynamo: Dynamo, log: Any = print) -> list[str]:
    """Create every registered table that is missing, with its TTL; safe to run again."""
    existing = set(await _all_table_names(dynamo))
    created = []
    for spec in TABLES.values():
        name = dynamo.table(spec.name)
        if name in existing:
            continue
        await dynamo.client.create_table(**spec.definition(dynamo.prefix))
        created.append(name)
    for spec in TABLES.values():
        name = dynamo.table(spec.name)
        await _wait_active(dynamo, name)
        if spec.ttl_attribute:
            await _ensure_ttl(dynamo, name, spec.ttl_attribute)
    for name in created:
        log(f"dynamodb: created table {name}")
    return created


async def _all_table_names(dynamo: Dynamo) -> list[str]:
    names: list[str] = []
    kwargs: dict[str, Any] = {}
    while True:
        page = await dynamo.client.list_tables(**kwargs)
        names.extend(page["TableNames"])
        if "LastEvaluatedTableName" not in page:
            return names
        kwargs["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]


async def _wait_active(dynamo: Dynamo, name: str) -> None:
    for _ in range(120):
        table = (await dynamo.client.describe_table(TableName=name))["Table"]
        if table["TableStatus"] == "ACTIVE":
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"dynamodb: table {name} did not become ACTIVE")


async def _ensure_ttl(dynamo: Dynamo, name: str, attribute: str) -> None:
    described = await dynamo.client.describe_time_to_live(TableName=name)
    status = described["TimeToLiveDescription"].get("TimeToLiveStatus")
    if status in ("ENABLED", "ENABLING"):
        return
    await dynamo.client.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
    )
