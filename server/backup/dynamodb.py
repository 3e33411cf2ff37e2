"""DynamoDB in a backup: each registered table scanned in parallel segments to gzipped JSON
lines of raw items, and written back with BatchWriteItem.

A scan is not a point-in-time snapshot: items written while it runs may or may not be in
it. Stop writers for an exact copy; in production use DynamoDB's point-in-time recovery."""

from __future__ import annotations

import asyncio
import base64
import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from datastore.kit.dynamodb import TABLES, Dynamo, create_tables

SEGMENTS = 4
BATCH = 25  # BatchWriteItem's limit
Advance = Callable[[str, int], None]


def file_name(table: str) -> str:
    return f"dynamodb/{table}.jsonl.gz"


async def dump_table(dynamo: Dynamo, table: str, folder: Path, advance: Advance) -> int:
    """Every item of `table` into its file; returns how many."""
    segments = await asyncio.gather(
        *(_scan_segment(dynamo, table, s, advance) for s in range(SEGMENTS))
    )
    items = [item for segment in segments for item in segment]
    await asyncio.to_thread(_write_lines, folder / file_name(table), items)
    return len(items)


def _write_lines(path: Path, items: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as out:
        for item in items:
            out.write(orjson.dumps(_to_json(item)) + b"\n")


def _read_lines(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rb") as lines:
        return [_from_json(orjson.loads(line)) for line in lines if line.strip()]


async def _scan_segment(
    dynamo: Dynamo, table: str, segment: int, advance: Advance
) -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {
        "TableName": dynamo.table(table),
        "Segment": segment,
        "TotalSegments": SEGMENTS,
        "ConsistentRead": True,
    }
    items: list[dict[str, Any]] = []
    while True:
        page = await dynamo.client.scan(**kwargs)
        items.extend(page["Items"])
        advance(table, len(page["Items"]))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


async def nonempty_tables(dynamo: Dynamo) -> list[str]:
    """Registered tables that exist and hold at least one item."""
    existing = set()
    kwargs: dict[str, Any] = {}
    while True:
        page = await dynamo.client.list_tables(**kwargs)
        existing.update(page["TableNames"])
        if "LastEvaluatedTableName" not in page:
            break
        kwargs["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]
    found = []
    for name in TABLES:
        if dynamo.table(name) in existing:
            page = await dynamo.client.scan(TableName=dynamo.table(name), Limit=1)
            if page["Items"]:
                found.append(name)
    return found


async def prepare_tables(dynamo: Dynamo) -> None:
    await create_tables(dynamo, log=lambda _line: None)


async def load_table(dynamo: Dynamo, table: str, folder: Path, advance: Advance) -> int:
    """Write every item of the table's file back; returns how many."""
    items = await asyncio.to_thread(_read_lines, folder / file_name(table))
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        request: dict[str, Any] = {
            dynamo.table(table): [{"PutRequest": {"Item": item}} for item in batch]
        }
        while request:
            response = await dynamo.client.batch_write_item(RequestItems=request)
            request = response.get("UnprocessedItems") or {}
            if request:
                await asyncio.sleep(0.05)
        advance(table, len(batch))
    return len(items)


async def count_items(dynamo: Dynamo, table: str) -> int:
    total = 0
    kwargs: dict[str, Any] = {"TableName": dynamo.table(table), "Select": "COUNT"}
    while True:
        page = await dynamo.client.scan(**kwargs)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# Raw DynamoDB JSON, but binary values (B, BS) as base64 so a line is plain JSON.
def _to_json(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _value_to_json(value) for name, value in item.items()}


def _value_to_json(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(v).decode() for v in inner]}
    if kind == "L":
        return {"L": [_value_to_json(v) for v in inner]}
    if kind == "M":
        return {"M": _to_json(inner)}
    return value


def _from_json(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _value_from_json(value) for name, value in item.items()}


def _value_from_json(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) for v in inner]}
    if kind == "L":
        return {"L": [_value_from_json(v) for v in inner]}
    if kind == "M":
        return {"M": _from_json(inner)}
    return value
