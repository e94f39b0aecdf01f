"""References: readable aloud, self-checking, forgiving of how people type them."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from baladiya.cases import references

prefixes = st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3)
years = st.integers(min_value=2000, max_value=2099)


def test_a_reference_looks_like_the_receipt_says():
    ref = references.new_reference("LGT", 2026)
    assert references.PATTERN.match(ref), ref
    assert ref.startswith("LGT-26-")
    assert references.is_valid(ref)


@given(prefixes, years)
def test_every_new_reference_is_valid_and_canonical(prefix, year):
    ref = references.new_reference(prefix, year)
    assert references.is_valid(ref)
    assert references.normalise(ref) == ref


@given(prefixes, years)
def test_typed_sloppily_it_is_still_found(prefix, year):
    ref = references.new_reference(prefix, year)
    sloppy = " " + ref.lower().replace("-", " ").replace("0", "o").replace("1", "l") + " "
    assert references.normalise(sloppy) == ref


@given(prefixes, years, st.integers(min_value=7, max_value=15), st.data())
def test_any_single_wrong_symbol_is_caught(prefix, year, position, data):
    ref = references.new_reference(prefix, year)
    chars = list(ref)
    if chars[position] == "-":
        return
    wrong = data.draw(st.sampled_from([c for c in references.ALPHABET if c != chars[position]]))
    chars[position] = wrong
    assert references.normalise("".join(chars)) is None


@given(prefixes, years, st.integers(min_value=7, max_value=14))
def test_swapping_two_neighbours_is_caught(prefix, year, position):
    ref = references.new_reference(prefix, year)
    chars = list(ref)
    a, b = position, position + 1
    if "-" in (chars[a], chars[b]) or chars[a] == chars[b]:
        return
    chars[a], chars[b] = chars[b], chars[a]
    assert references.normalise("".join(chars)) is None


@given(st.text(max_size=30))
def test_garbage_is_refused_never_crashes(text):
    result = references.normalise(text)
    assert result is None or references.is_valid(result)


def test_references_are_unpredictable():
    drawn = {references.new_reference("BMD", 2026) for _ in range(2000)}
    assert len(drawn) == 2000
