"""The output edge: write bytes atomically, so a failure never leaves half a PDF behind.

Every file kneecard writes goes through `write_atomic`, so the rules for what an output path
may be live here once: a regular file (or a new name) is replaced atomically; a symlink is
followed and its target replaced (the link stays a link); a character device or FIFO
(`/dev/null`, `/dev/stdout`, a pipe) is streamed to, never replaced; anything else is refused.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pdfgen.errors import OutputError

_KINDS = {
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def is_stream(path: Path) -> bool:
    """A character device or FIFO (after following symlinks): written to as it is, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path`: streamed to a device or FIFO, else via a temporary file renamed in one step."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode  # follows symlinks: the target's kind is what counts
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        _stream(path, data)
        return
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"cannot write {path}: it is a folder (give a file name ending in .pdf)")
    if mode is not None and not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise OutputError(f"cannot write {path}: it is {kind} (give a regular file name ending in .pdf)")
    # a symlink (even a dangling one) is followed: its target is replaced, the link itself stays
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    _replace(path, target, data)


def _stream(path: Path, data: bytes) -> None:
    """Write straight to a character device or FIFO; its errors (ENOSPC on /dev/full, EPIPE) are reported."""
    try:
        with open(path, "wb", buffering=0) as fh:
            view = memoryview(data)
            while view:
                view = view[fh.write(view) :]
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_new(path: Path, data: bytes) -> Path:
    """Write `data` under `path`, or `stem-2`, `stem-3` … beside it: never replaces a file.

    For names kneecard chose itself (no -o): the user did not name that file, so an existing one is
    kept. Each name is claimed with a hard link, which fails if the name exists, so two runs at once
    cannot both take it. Returns the path written.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    tmp = _temp(path, folder, data)
    try:
        for n in range(1, 10_000):
            candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
            try:
                os.link(tmp, candidate)
                return candidate
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS):
                    raise OutputError(f"cannot write {candidate}: {exc.strerror}") from None
                if os.path.lexists(candidate):  # no hard links here (FAT, some network shares): check, then rename
                    continue
                os.replace(tmp, candidate)
                return candidate
        raise OutputError(f"cannot write {path}: {path.stem}-2 … {path.stem}-9999 all exist (give a name with -o)")
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def _temp(shown: Path, folder: Path, data: bytes) -> str:
    """A complete, synced temporary file in `folder`, ready to be renamed or linked into place."""
    if not folder.is_dir():
        raise OutputError(f"cannot write {shown}: the folder {folder} does not exist (create it first)")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{shown.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror}") from None
    with _removed_on_failure(shown, tmp):
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    return tmp


@contextmanager
def _removed_on_failure(shown: Path, tmp: str) -> Iterator[None]:
    """Any failure, KeyboardInterrupt included, removes the .part file; an OSError becomes
    an OutputError naming the file the user asked for."""
    try:
        yield
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {shown}: {exc.strerror}") from None
        raise


def _replace(shown: Path, path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it in one step."""
    folder = path.parent if str(path.parent) else Path(".")
    tmp = _temp(shown, folder, data)
    with _removed_on_failure(shown, tmp):
        os.replace(tmp, path)
