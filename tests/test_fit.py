"""The one fit search, on synthetic monotone measures: no PDF, no layout."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdfgen.fit import candidate_scales, largest_fit

SCALES = candidate_scales(0.8, 1.2)


def linear(scales: list[float], threshold: float) -> float | None:
    """What trying every scale in turn finds."""
    return next((s for s in scales if s <= threshold), None)


def test_candidates_run_largest_first_between_the_bounds():
    assert SCALES[0] == 1.2 and SCALES[-1] == 0.8 and 1.0 in SCALES
    assert sorted(SCALES, reverse=True) == SCALES and len(set(SCALES)) == len(SCALES)
    steps = [round(a - b, 4) for a, b in zip(SCALES, SCALES[1:], strict=False)]
    assert max(steps) <= 0.02 + 1e-9
    assert candidate_scales(1.0, 1.0) == [1.0]
    assert candidate_scales(0.947, 1.0)[-1] == 0.947  # the minimum itself is always tried
    assert candidate_scales(8.5 / 9.5, 1.0)[-1] == 0.8948  # rounded up, never below the minimum size
    assert 9.5 * candidate_scales(8.5 / 9.5, 1.0)[-1] >= 8.5


@pytest.mark.parametrize("power", [0.5, 1, 2, 3, 5])
def test_finds_what_trying_every_scale_finds_on_any_monotone_growth(power):
    for box in [100 * s**power for s in SCALES] + [100 * s**power + 0.5 for s in SCALES] + [1, 1000]:
        calls: list[float] = []

        def fits(s: float, box: float = box, calls: list[float] = calls) -> bool:
            calls.append(s)
            return 100 * s**power <= box

        found = largest_fit(SCALES, fits)
        assert found == linear(SCALES, (box / 100) ** (1 / power) + 1e-12), box
        assert len(calls) == len(set(calls))  # each scale measured once
        assert len(calls) <= 6  # a bisection over 21 candidates


@given(st.integers(0, len(SCALES)), st.one_of(st.none(), st.sampled_from(SCALES)))
def test_a_hint_right_or_wrong_never_changes_the_answer(cut, hint):
    """`cut` scales do not fit (the largest ones), the rest do; any remembered hint gives the same answer."""
    fits = lambda s: SCALES.index(s) >= cut  # noqa: E731
    expected = SCALES[cut] if cut < len(SCALES) else None
    assert largest_fit(SCALES, fits, hint) == expected


def test_a_right_hint_costs_two_measures():
    calls: list[float] = []
    answer = SCALES[7]

    def fits(s: float) -> bool:
        calls.append(s)
        return s <= answer

    assert largest_fit(SCALES, fits, hint=answer) == answer
    assert calls == [answer, SCALES[6]]
    calls.clear()
    assert largest_fit(SCALES, fits, hint=SCALES[0]) is not None and len(calls) <= 6


def test_nothing_fits_and_empty_candidates():
    assert largest_fit(SCALES, lambda s: False) is None
    assert largest_fit([], lambda s: True) is None
    assert largest_fit(SCALES, lambda s: True) == SCALES[0]
