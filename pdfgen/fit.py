"""One fit search for every layout kind: the largest candidate scale at which content fits.

Fitting is monotone: if content fits at a scale it fits at every smaller one. Pages and card
decks both ask the same question, so both use this one pure function; what "fits" means is
the caller's measure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence


def largest_fit(scales: Sequence[float], fits: Callable[[float], bool], hint: float | None = None) -> float | None:
    """The largest of `scales` (sorted largest first) for which `fits` is true, or None.

    `fits` must be monotone (true at a scale means true at every smaller one). A `hint` (a
    scale that fitted similar content before) is checked first with its larger neighbour:
    when it still fits and the next larger does not, it is the answer after two measures.
    Otherwise a bisection settles it in about log2(len(scales)) measures. Each scale is
    measured at most once."""
    memo: dict[int, bool] = {}

    def ok(i: int) -> bool:
        if i not in memo:
            memo[i] = bool(fits(scales[i]))
        return memo[i]

    n = len(scales)
    if n == 0:
        return None
    lo, hi = 0, n - 1  # the answer is in [lo, hi], or there is none
    if hint is not None and hint in scales:
        h = scales.index(hint)
        if ok(h):
            if h == 0 or not ok(h - 1):
                return scales[h]
            hi = h - 1
        else:
            lo = h + 1
    # invariant: every index < lo is known not to fit (or is excluded)
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    if lo < n and ok(lo):
        return scales[lo]
    return None


def candidate_scales(min_scale: float, max_scale: float, shrink_step: float = 0.02, grow_step: float = 0.02) -> list[float]:
    """Scales largest first: coarse steps growing above 1 (filling a page needs no precision),
    fine steps shrinking below it (text is no smaller than it must be), down to `min_scale`."""
    up = [round(1.0 + grow_step * i, 4) for i in range(1, int((max_scale - 1.0) / grow_step + 1e-9) + 1)]
    down = [round(1.0 - shrink_step * i, 4) for i in range(1, int((1.0 - min_scale) / shrink_step + 1e-9) + 1)]
    floor = math.ceil(min_scale * 10_000) / 10_000  # rounded up: the smallest scale never goes under the minimum
    found = {*up, round(max_scale, 4), 1.0, *down, floor}
    return sorted((s for s in found if min_scale - 1e-9 <= s <= max_scale + 1e-9), reverse=True)
