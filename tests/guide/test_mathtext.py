"""Formula text becomes Typst mathematics faithfully, or not at all."""

from __future__ import annotations

import pytest
import typst

from convarith.core.errors import ConvArithError
from convarith.core.formulas import FORMULAS, RELATIONSHIPS
from convarith.guide.mathtext import put_in, typst_math

ALL_FORMULAS = [text for _, text in RELATIONSHIPS.values()] + list(FORMULAS.values())


@pytest.mark.parametrize("text", ALL_FORMULAS)
def test_every_formula_of_the_core_typesets(text: str, tmp_path) -> None:
    source = tmp_path / "f.typ"
    source.write_text(f"${typst_math(text)}$", encoding="utf-8")
    html = typst.compile(str(source), format="html").decode()
    assert "<math" in html
    # Every multi-letter subscript is quoted, so Typst reads it as text, not as a variable.
    assert html.count("<mtext>") >= text.count("_lo") + text.count("_hi") + text.count("_in")


def test_subscripts_primes_and_products() -> None:
    assert typst_math("o' = (i' - 1)s - p_lo") == "o' = (i' - 1)s - p_\"lo\""
    assert typst_math("i_s = 2*3") == "i_s = 2 dot 3"


@pytest.mark.parametrize("bad", ["o = x^2", "o = width + 1", "o = i % 2", "o = i; k"])
def test_outside_the_notation_is_refused(bad: str) -> None:
    with pytest.raises(ConvArithError, match="formula"):
        typst_math(bad)


def test_put_in_writes_every_product_out() -> None:
    values = {"i": 7, "p": 2, "d": 3, "k": 4, "s": 5}
    text = FORMULAS["conv"]
    assert put_in(text, values) == "floor((7 + 2*2 - 3*(4 - 1) - 1) / 5) + 1"
    assert put_in("j_out = s j_in", {"s": 2, "j_in": 3}) == "2*3"


def test_put_in_needs_every_value() -> None:
    with pytest.raises(ConvArithError, match="no value for 'k'"):
        put_in("o = i - k + 1", {"i": 3})
