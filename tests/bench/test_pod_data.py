"""The benchmarks' SQL loader (bench/pod_data.py) writes pod data the API reads as its own:
the newest-first page it promises, tags with their usage counts, nothing for anyone else."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path
from types import ModuleType

from datastore.kit.settings import Settings
from tests.support.client import GraphQLClient

PAGE = """
query {
  entries(first: 20) {
    edges { node { __typename title createdAt category { name }
                   tags { edges { node { name } } } } }
    pageInfo { hasNextPage }
  }
  tags(first: 100) { edges { node { id name slug usageCount } } }
}
"""
BY_TAG = "query($t: ID!) { entries(first: 100, filter: {tagIds: [$t]}) { edges { node { id } } } }"


def _pod_data() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "pod_data.py"
    spec = importlib.util.spec_from_file_location("bench_pod_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


async def test_loaded_entries_read_through_the_api(
    client: GraphQLClient, migrated: Settings
) -> None:
    # given: two users, pod data loaded for the first only
    pod_data = _pod_data()
    owner, other = await client.sign_up(), await client.sign_up()
    base = await pod_data.load_pod(
        migrated.database_url, [uuid.UUID(owner.uuid)], entries=30, tags=5
    )
    # when
    data = await client.data(PAGE, token=owner.token)
    # then: the page the loader promises, in the Inbox, with three tags each
    nodes = [e["node"] for e in data["entries"]["edges"]]
    expected = pod_data.expected_page(base, 20, pod_data.tag_names(5))
    assert [
        {"createdAt": n["createdAt"], "tags": sorted(t["node"]["name"] for t in n["tags"]["edges"])}
        for n in nodes
    ] == [{"createdAt": e["createdAt"].isoformat(), "tags": e["tags"]} for e in expected]
    assert {n["category"]["name"] for n in nodes} == {"Inbox"}
    assert {n["__typename"] for n in nodes} == {"Note", "Bookmark", "Task", "Document"}
    assert data["entries"]["pageInfo"]["hasNextPage"] is True
    # the usage counts agree with what the tag filter finds (30 entries x 3 tags)
    tags = [t["node"] for t in data["tags"]["edges"]]
    assert sorted(t["name"] for t in tags) == sorted(pod_data.tag_names(5))
    assert {t["slug"] for t in tags} == {n.lower().replace(" ", "-") for n in pod_data.tag_names(5)}
    for tag in tags:
        found = await client.data(BY_TAG, {"t": tag["id"]}, token=owner.token)
        assert len(found["entries"]["edges"]) == tag["usageCount"]
    assert sum(t["usageCount"] for t in tags) == 90
    # and the other user sees none of it
    theirs = await client.data(PAGE, token=other.token)
    assert theirs["entries"]["edges"] == [] and theirs["tags"]["edges"] == []
