"""Every cache of a build in one visible object, bounded, with one off switch.

A batch worker or a web server builds many PDFs in one process; most of their work repeats
(the same content, layout, paragraphs, figures and fitted sizes). The build owns a `Cache`
and hands it down; `KNEECARD_NO_CACHE=1` turns every region off, and the tests check that
caches on and off give identical bytes. Keys are values (paths with a digest of their bytes,
content fingerprints), never `id()`, so an edited file is seen and a key cannot be reused
by another object.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

# para: a handout or a card deck is ~500 paragraphs; each roster row adds its own few (the name in the
# title), never used again, so a larger cap only holds more of those (4096 grew each worker by ~30 MB)
LIMITS = {  # entries per region
    "library": 4,
    "layout": 32,
    "para": 1024,
    "figure": 256,
    "fit": 1024,
    "style": 64,
    "card": 512,
    "columns": 128,  # measured heights of columns and bottom areas, keyed by their blocks (each key holds its tree)
}
DEFAULT_LIMIT = 256


class Cache:
    """Named LRU regions of values; `enabled=False` makes every lookup a miss."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._regions: dict[str, OrderedDict[Hashable, Any]] = {}
        self.hits = 0
        self.misses = 0

    @classmethod
    def from_env(cls) -> Cache:
        """On, unless KNEECARD_NO_CACHE is set to anything but '' or '0'."""
        return cls(enabled=enabled_by_env())

    def get(self, region: str, key: Hashable, make: Callable[[], T]) -> T:
        """The value under `key`, made (and kept, least recently used dropped first) when missing."""
        if not self.enabled:
            return make()
        store = self._regions.setdefault(region, OrderedDict())
        if key in store:
            self.hits += 1
            store.move_to_end(key)
            return store[key]
        self.misses += 1
        value = make()
        store[key] = value
        if len(store) > LIMITS.get(region, DEFAULT_LIMIT):
            store.popitem(last=False)
        return value

    def peek(self, region: str, key: Hashable) -> Any:
        """The value under `key`, or None; never makes one."""
        return self._regions.get(region, {}).get(key) if self.enabled else None

    def put(self, region: str, key: Hashable, value: Any) -> None:
        if self.enabled:
            self.get(region, key, lambda: value)
            self._regions[region][key] = value

    def clear(self) -> None:
        self._regions.clear()

    def size(self, region: str) -> int:
        return len(self._regions.get(region, {}))


def enabled_by_env() -> bool:
    """The off switch: KNEECARD_NO_CACHE set to anything but '' or '0' turns every cache off."""
    return os.environ.get("KNEECARD_NO_CACHE", "") in ("", "0")


def disk_dir(region: str) -> Path | None:
    """A private folder for what is worth keeping between runs (compiled templates), or None
    when caches are off or no such folder can be had: KNEECARD_CACHE_DIR, else
    $XDG_CACHE_HOME/kneecard, else ~/.cache/kneecard. It must be the user's own and closed to
    others, since what is kept there is loaded as code; anything else is not used."""
    if not enabled_by_env():
        return None
    root = os.environ.get("KNEECARD_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "kneecard"
    )
    folder = Path(root) / region
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.lstat()
    except OSError:
        return None
    owner = os.getuid() if hasattr(os, "getuid") else st.st_uid
    if not folder.is_dir() or folder.is_symlink() or st.st_uid != owner or st.st_mode & 0o077:
        return None
    return folder


def memo(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """A bounded per-process memo for work below the build (compiled templates, font subsets,
    decoded pictures, colours) that the same off switch bypasses: same answers either way."""

    def wrap(func: Callable[..., T]) -> Callable[..., T]:
        cached = functools.lru_cache(maxsize=maxsize)(func)

        @functools.wraps(func)
        def call(*args: Any) -> T:
            return cached(*args) if enabled_by_env() else func(*args)

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return wrap


def files_key(paths: Iterable[Path]) -> tuple[tuple[str, str], ...]:
    """Each file's path and a digest of its bytes: an edited file gives a new key even when
    its size and modification time are unchanged (an edit within the clock's tick, a copy that
    keeps times), so a stale entry is impossible by construction. Reading the few content and
    layout files costs well under a millisecond."""
    out = []
    for p in sorted(paths):
        try:
            digest = hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
        except OSError:
            continue
        out.append((str(p), digest))
    return tuple(out)
