"""EMBEDDING_MODEL picks the topic-splitting distance that suits its cosines, unless
JOURNAL_TOPIC_CLUSTER_DISTANCE says otherwise; any other model name is a bad setting."""

from __future__ import annotations

import base64
import secrets

import pytest

from datastore.kit.ai.embedder import topic_cluster_distance
from datastore.kit.settings import ConfigurationError, load_settings


def _settings(**values: object):
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    return load_settings(
        database_url="postgresql://x@127.0.0.1:9/x",
        redis_url="redis://127.0.0.1:9/0",
        master_key=key,
        audit_hash_key=key,
        audit_signing_key=key,
        **values,
    )


def test_the_topic_distance_follows_the_model_unless_set() -> None:
    assert topic_cluster_distance(_settings()) == 0.8
    assert topic_cluster_distance(_settings(embedding_model="all-mpnet-base-v2")) == 0.7
    chosen = _settings(embedding_model="all-mpnet-base-v2", journal_topic_cluster_distance=0.9)
    assert topic_cluster_distance(chosen) == 0.9


def test_an_unknown_embedding_model_is_refused_by_name() -> None:
    with pytest.raises(ConfigurationError, match="EMBEDDING_MODEL"):
        _settings(embedding_model="all-MiniLM-L12-v2")
