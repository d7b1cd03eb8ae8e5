"""The notebook offers exactly the page's controls: the same names, labels, kinds, defaults and choices."""

from __future__ import annotations

import re
from typing import Any

import convarith
from convarith.explorer.controls import CONTROLS, OPERATIONS, VIEWS, applies, defaults
from convarith.notebook.widget import STATIC, ExplorerWidget

ES_MODULE = (STATIC / "explorer.js").read_text(encoding="utf-8")


def test_one_control_per_entry_of_controls_in_order(open_widget: Any) -> None:
    front = open_widget()
    specs = front.model["controls"]
    assert [s["name"] for s in specs] == [c.name for c in CONTROLS]
    for spec, control in zip(specs, CONTROLS):
        assert spec["label"] == control.label
        assert spec["kind"] == control.kind
        assert spec["default"] == control.default
        assert spec["choices"] == list(control.choices)
        assert spec["help"] == control.help
        assert spec["ops"] == [op for op in OPERATIONS if applies(control.name, op)]


def test_choices_read_as_the_page_names_them(open_widget: Any) -> None:
    specs = {s["name"]: s for s in open_widget().model["controls"]}
    assert specs["op"]["choice_labels"] == list(OPERATIONS.values())
    assert specs["view"]["choice_labels"] == list(VIEWS.values())
    assert specs["theme"]["choice_labels"] == specs["theme"]["choices"]


def test_explore_starts_from_the_page_s_defaults() -> None:
    assert convarith.explore().state == defaults()


def test_missing_controls_take_their_defaults() -> None:
    widget = ExplorerWidget({"input": "6"})
    assert widget.state == {**defaults(), "input": "6"}
    assert widget.info["output"] == "4"


def test_the_es_module_follows_every_trait_the_kernel_sends() -> None:
    listed = re.search(r"const TRAITS = \[(.*?)\];", ES_MODULE, re.S)
    assert listed is not None
    follows = set(re.findall(r'"(\w+)"', listed.group(1)))
    own = set(ExplorerWidget.class_own_traits(sync=lambda v: v))
    # controls and speeds are fixed for the widget's life: read once, when it is drawn.
    assert follows == own - {"controls", "speeds"}


def test_the_es_module_draws_every_kind_of_control() -> None:
    drawn = set(re.findall(r'spec\.kind === "(\w+)"', ES_MODULE)) | {"text"}  # text: the fallback
    assert {c.kind for c in CONTROLS} <= drawn
