"""GraphQL documents and steps of the journal, shared by journal, search and insights tests."""

from __future__ import annotations

from typing import Any

from tests.support.client import GraphQLClient

CREATE_ENTRY = """
mutation($input: CreateJournalEntryInput!) {
  createJournalEntry(input: $input) {
    id title content entryDate mood moodScore isPrivate wordCount version
    tags { edges { node { id name color } } }
  }
}
"""
UPDATE_ENTRY = """
mutation($id: ID!, $v: Int!, $input: UpdateJournalEntryInput!) {
  updateJournalEntry(id: $id, expectedVersion: $v, input: $input) {
    id title content mood version wordCount tags { edges { node { name } } }
  }
}
"""
CREATE_TAG = """
mutation($input: CreateJournalTagInput!) { createJournalTag(input: $input) { id name color } }
"""
ANALYSIS = """
query($id: ID!) {
  journalEntry(id: $id) {
    sentiment { model label confidence compound }
    emotions { model joy sadness anger fear surprise love neutral dominant }
    topics { edges { node { relevance topic { name system } } } }
  }
}
"""


async def create_entry(client: GraphQLClient, token: str, **values: Any) -> dict[str, Any]:
    data = await client.data(CREATE_ENTRY, {"input": values}, token=token)
    return data["createJournalEntry"]
