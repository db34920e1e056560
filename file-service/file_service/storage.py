"""Where file bytes live: an interface, and a local folder implementation sharded by key.

Layout of :class:`LocalStorage` under its root::

    incoming/<token>.part             an upload being received (removed on any failure)
    objects/<k0k1>/<k2k3>/<key>/      one folder per file: original, webp, thumbnail, mp4
    quarantine/<k0k1>/<key>           infected originals, never served

Two levels of two characters keep folders small (4,096 x 4,096 buckets) with random keys.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO, Protocol

_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
VARIANT_NAMES = ("original", "webp", "thumbnail", "mp4")


def _check_key(file_key: str) -> str:
    # Keys are made here (secrets.token_urlsafe), but a path built from a value must never
    # be able to leave the root, whatever the caller passes.
    if not _KEY.match(file_key):
        raise ValueError("not a file key")
    return file_key


def _check_variant(variant: str) -> str:
    if variant not in VARIANT_NAMES:
        raise ValueError(f"unknown variant {variant!r}")
    return variant


class Storage(Protocol):
    """What file-service needs from a place that keeps bytes."""

    def new_incoming(self) -> tuple[Path, BinaryIO]: ...

    def commit_incoming(self, incoming: Path, file_key: str) -> None: ...

    def discard_incoming(self, incoming: Path) -> None: ...

    def path(self, file_key: str, variant: str = "original") -> Path: ...

    def exists(self, file_key: str, variant: str = "original") -> bool: ...

    def relative_path(self, file_key: str, variant: str = "original") -> str: ...

    def write_variant(self, file_key: str, variant: str, source: Path) -> int: ...

    def variant_work_path(self, file_key: str, variant: str) -> Path: ...

    def delete_variant(self, file_key: str, variant: str) -> None: ...

    def quarantine(self, file_key: str) -> None: ...

    def delete(self, file_key: str) -> None: ...


class LocalStorage:
    """Bytes in a local folder (FILE_STORAGE_DIR); renames make every write atomic."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        for folder in ("incoming", "objects", "quarantine"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)

    def _folder(self, file_key: str) -> Path:
        key = _check_key(file_key)
        return self.root / "objects" / key[:2] / key[2:4] / key

    def new_incoming(self) -> tuple[Path, BinaryIO]:
        """A fresh file to stream an upload into, and its path."""
        path = self.root / "incoming" / f"{secrets.token_hex(16)}.part"
        return path, path.open("xb")

    def commit_incoming(self, incoming: Path, file_key: str) -> None:
        """Move a received upload into place as ``file_key``'s original."""
        folder = self._folder(file_key)
        folder.mkdir(parents=True, exist_ok=True)
        os.replace(incoming, folder / "original")

    def discard_incoming(self, incoming: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            incoming.unlink()

    def path(self, file_key: str, variant: str = "original") -> Path:
        return self._folder(file_key) / _check_variant(variant)

    def exists(self, file_key: str, variant: str = "original") -> bool:
        return self.path(file_key, variant).is_file()

    def relative_path(self, file_key: str, variant: str = "original") -> str:
        """The path below the root (what nginx's internal location serves)."""
        return self.path(file_key, variant).relative_to(self.root).as_posix()

    def variant_work_path(self, file_key: str, variant: str) -> Path:
        """A scratch path next to the variant, for converters that write files themselves."""
        target = self.path(file_key, variant)
        return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")

    def write_variant(self, file_key: str, variant: str, source: Path) -> int:
        """Atomically move ``source`` into place as ``variant``; returns its size."""
        target = self.path(file_key, variant)
        os.replace(source, target)
        return target.stat().st_size

    def delete_variant(self, file_key: str, variant: str) -> None:
        """Remove a variant (never the original); nothing happens when there is none."""
        if _check_variant(variant) == "original":
            raise ValueError("the original is not a variant")
        with contextlib.suppress(FileNotFoundError):
            self.path(file_key, variant).unlink()

    def quarantine(self, file_key: str) -> None:
        """Move the original out of the served tree and drop any variant."""
        folder = self._folder(file_key)
        target = self.root / "quarantine" / file_key[:2]
        target.mkdir(parents=True, exist_ok=True)
        original = folder / "original"
        if original.exists():
            os.replace(original, target / file_key)
        shutil.rmtree(folder, ignore_errors=True)

    def is_quarantined(self, file_key: str) -> bool:
        return (self.root / "quarantine" / _check_key(file_key)[:2] / file_key).is_file()

    def delete(self, file_key: str) -> None:
        shutil.rmtree(self._folder(file_key), ignore_errors=True)
