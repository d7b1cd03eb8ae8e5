"""``convarith.explore``: Python's parameters become the page's state; the extra is optional and lazy."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import convarith
import convarith.notebook
from convarith.core.errors import ConvArithError
from convarith.notebook.launch import INSTALL_HINT, explore, state_of


def test_explore_is_the_facade_s_name() -> None:
    assert convarith.explore is explore


def test_parameters_as_for_animate(open_widget: Any) -> None:
    front = open_widget(
        "conv-transpose",
        (3, 3),
        kernel_size=3,
        stride=2,
        padding=1,
        output_padding=1,
        view="numerical",
        theme="dark",
        seed=3,
    )
    state = front.model["state"]
    assert (state["op"], state["input"], state["stride"], state["output_padding"]) == (
        "conv_transpose",
        "3x3",
        "2",
        "1",
    )
    assert (state["view"], state["theme"], state["seed"]) == ("numerical", "dark", "3")
    expected = convarith.animate(
        "conv_transpose",
        (3, 3),
        kernel_size=3,
        stride=2,
        padding=1,
        output_padding=1,
        view="numerical",
        theme="dark",
        seed=3,
    )
    assert front.model["svg"] == expected._repr_svg_()


def test_per_axis_and_asymmetric_padding(open_widget: Any) -> None:
    front = open_widget(
        "conv", (7, 6), kernel_size=(3, 2), padding=((1, 2), (0, 1)), dilation=(2, 1)
    )
    assert front.model["state"]["padding"] == "1:2x0:1"
    assert (
        front.model["svg"]
        == convarith.animate(
            "conv", (7, 6), kernel_size=(3, 2), padding=((1, 2), (0, 1)), dilation=(2, 1)
        )._repr_svg_()
    )


def test_the_causal_preset(open_widget: Any) -> None:
    front = open_widget("conv", (7,), kernel_size=3, dilation=2, padding="causal")
    # The state keeps the preset, as the page's URL does, so that a new kernel
    # or dilation recomputes the padding; what is drawn is (d*(k-1), 0).
    assert front.model["state"]["padding"] == "causal"
    assert (
        front.model["svg"]
        == convarith.animate(
            "conv", (7,), kernel_size=3, dilation=2, padding=((4, 0),)
        )._repr_svg_()
    )
    assert front.model["info"]["output"] == "7"


def test_pooling_flags() -> None:
    state = state_of("avg_pool", (5, 5), kernel_size=2, ceil_mode=True, count_include_pad=False)
    assert (state["ceil_mode"], state["count_include_pad"], state["stride"]) == (
        "true",
        "false",
        "",
    )


def test_refusals_are_the_library_s() -> None:
    with pytest.raises(ConvArithError) as caught:
        convarith.output_shape("conv", (5, 5), kernel_size=0)
    with pytest.raises(ConvArithError) as refused:
        explore("conv", (5, 5), kernel_size=0)
    assert str(refused.value) == str(caught.value)

    with pytest.raises(
        ConvArithError, match=r"^groups=2 has no control in the explorer; it takes kernel_size, "
    ):
        explore("conv", (5, 5), groups=2)
    with pytest.raises(ConvArithError, match=r"^frame_ms=100 has no control"):
        explore("conv", (5, 5), frame_ms=100)
    with pytest.raises(ConvArithError, match=r"^view='sideways' must be one of arithmetic, "):
        explore("conv", (5, 5), view="sideways")


def test_a_3d_input_opens_with_numbers_only(open_widget: Any) -> None:
    front = open_widget("conv", (4, 4, 4), kernel_size=3)
    assert front.model["svg"] == "" and front.model["info"]["output"] == "2x2x2"
    assert front.model["note"]


def without_the_extra(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails
    monkeypatch.delitem(sys.modules, "convarith.notebook.widget", raising=False)
    monkeypatch.delattr(convarith.notebook, "widget", raising=False)


@pytest.mark.parametrize("module", ["anywidget", "traitlets"])
def test_without_the_extra_one_line_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    without_the_extra(monkeypatch, module)
    with pytest.raises(ConvArithError) as refused:
        convarith.explore()
    assert str(refused.value) == INSTALL_HINT
    assert "pip install 'convarith[notebook]'" in INSTALL_HINT and "\n" not in INSTALL_HINT


def test_a_missing_module_of_convarith_itself_is_not_disguised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_the_extra(monkeypatch, "convarith.backends.svg")
    with pytest.raises(ModuleNotFoundError):
        convarith.explore()


def test_importing_convarith_imports_no_widget_library() -> None:
    # A fresh interpreter: this one has imported the widget already.
    script = (
        "import sys, convarith\n"
        "extra = ('anywidget', 'ipywidgets', 'traitlets', 'comm', 'IPython')\n"
        "print(sorted(m for m in extra if m in sys.modules))\n"
        "convarith.explore\n"
        "from convarith.notebook.launch import state_of\n"
        "state_of('conv', (5, 5))\n"
        "print(sorted(m for m in extra if m in sys.modules))\n"
        "convarith.explore()\n"
        "print(sorted(m for m in ('anywidget', 'traitlets') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    # Nothing until a widget is made; then the widget library (so the check can see it).
    assert done.stdout.split("\n")[:3] == ["[]", "[]", "['anywidget', 'traitlets']"]
