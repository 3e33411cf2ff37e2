"""`personalpod train-emotions`: trains from the labelled texts, says how it did, and
writes a new version beside the others without ever overwriting one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from datastore.kit.ai.emotions import EMOTIONS
from server.cli import main


def test_trains_a_small_subset_into_a_new_version_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given: a folder that already holds version 1
    (tmp_path / "minilm-emotion-logreg-1.npz").write_bytes(b"an earlier version")
    # when
    main(["train-emotions", "--per-class", "4", "--folds", "2", "--out-dir", str(tmp_path)])
    # then: progress and both accuracies printed, version 2 written, version 1 untouched
    printed = capsys.readouterr().out
    assert "embedding 56 texts with all-MiniLM-L6-v2" in printed
    assert "2-fold cross-validated accuracy" in printed
    assert "held-out accuracy" in printed and "texts never trained on" in printed
    with np.load(tmp_path / "minilm-emotion-logreg-2.npz") as weights:
        assert sorted(str(c) for c in weights["classes"]) == sorted(EMOTIONS)
        assert weights["coef"].shape == (7, 384)
        assert str(weights["features"]) == "all-MiniLM-L6-v2"
    assert (tmp_path / "minilm-emotion-logreg-1.npz").read_bytes() == b"an earlier version"
    # and: naming an existing version is refused before any training
    with pytest.raises(SystemExit, match="never overwritten"):
        main(["train-emotions", "--name", "minilm-emotion-logreg-2", "--out-dir", str(tmp_path)])
    assert "embedding" not in capsys.readouterr().out


def test_a_subset_too_small_for_its_folds_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="--per-class 0 or >= --folds"):
        main(["train-emotions", "--per-class", "2", "--folds", "5", "--out-dir", str(tmp_path)])
    assert list(tmp_path.iterdir()) == []
