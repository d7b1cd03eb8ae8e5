"""Notes of where a frame may differ from its static image, and what two notes tell."""

from __future__ import annotations

from PIL import Image

from convarith.pixels.changes import KEY, UNCHANGED, mark, where_changed


def frames(*boxes: tuple[int, int, int, int] | None, token: object) -> list[Image.Image]:
    images = [Image.new("P", (20, 10)) for _ in boxes]
    for image, box in zip(images, boxes):
        mark(image, token, box)
    return images


def test_two_notes_on_one_static_image_give_the_union_of_their_boxes() -> None:
    token = object()
    a, b = frames((2, 3, 5, 6), (4, 1, 9, 4), token=token)
    assert where_changed(a, b) == (2, 1, 9, 6)
    assert where_changed(b, a) == (2, 1, 9, 6)


def test_a_frame_equal_to_its_static_image_adds_no_box() -> None:
    token = object()
    a, b, c = frames((2, 3, 5, 6), None, None, token=token)
    assert where_changed(a, b) == (2, 3, 5, 6)
    assert where_changed(b, c) == UNCHANGED


def test_notes_on_other_static_images_or_none_tell_nothing() -> None:
    a, b = frames((2, 3, 5, 6), (2, 3, 5, 6), token=object())
    mark(b, object(), (2, 3, 5, 6))
    assert where_changed(a, b) is None
    plain = Image.new("P", (20, 10))
    assert where_changed(a, plain) is None and where_changed(plain, a) is None
    plain.info[KEY] = "not a note"
    assert where_changed(a, plain) is None
