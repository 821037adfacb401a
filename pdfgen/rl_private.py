"""ReportLab's private attributes, touched here and nowhere else, each use with its reason.

pyproject.toml pins ReportLab below its next major version; when it moves, this module is the
one place to check.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import ttfonts


def reuse_subsets(font: ttfonts.TTFont, size: int = 32) -> None:
    """Build each font subset once per process (bounded LRU): every PDF embeds its own subsets,
    built glyph by glyph in pure Python, and a batch's PDFs mostly use the same characters (~1 ms
    a PDF). Same input, same bytes: the cache returns what makeSubset would build.

    private: `face.makeSubset` is an internal method; it is wrapped on this face only."""
    make_subset: Callable[[list[int]], bytes] = font.face.makeSubset
    cached = lru_cache(maxsize=size)(lambda codes: make_subset(list(codes)))
    font.face.makeSubset = lambda subset: cached(tuple(subset))  # type: ignore[method-assign]


def subset_tag(face_name: bytes, subset: list[int]) -> bytes:
    """Six capital letters from the face and the characters of one subset (ISO 32000-1 §9.6.4:
    a distinct tag per subset), so rebuilds give the same bytes and two subsets never share one."""
    digest = int.from_bytes(hashlib.sha256(face_name + b"\0" + ",".join(map(str, subset)).encode()).digest()[:8], "big")
    letters = []
    for _ in range(6):
        digest, k = divmod(digest, 26)
        letters.append(65 + k)
    return bytes(letters)


def tag_subsets_by_content(font: ttfonts.TTFont) -> None:
    """Name each embedded subset by its content instead of its number: ReportLab tags the n-th
    subset of every font `SUBSETN(n)` (AAAAAA for the first), so every subset of every PDF, and
    of every PDF `batch --combine` merges, was AAAAAA+NotoSans-….

    private: the tag comes from the module function `ttfonts.SUBSETN`, called inside
    `TTFont.addObjects`; the subsets of a document are in `font.state[doc].subsets` until then.
    SUBSETN is swapped only for the length of one addObjects call (a build runs in one thread)."""
    add_objects: Callable[[Any], None] = font.addObjects

    def add_objects_tagged(doc: Any) -> None:
        state = font.state.get(doc)
        if state is None:  # nothing drawn in this face: ReportLab's own path
            add_objects(doc)
            return
        tags = [subset_tag(font.face.name, subset) for subset in state.subsets]
        numbered = ttfonts.SUBSETN
        ttfonts.SUBSETN = lambda n, *_: tags[n]
        try:
            add_objects(doc)
        finally:
            ttfonts.SUBSETN = numbered

    font.addObjects = add_objects_tagged  # type: ignore[method-assign]
