"""The explorer in a notebook: :func:`convarith.explore` returns a widget.

The widget shows the page's controls (:data:`convarith.explorer.controls.CONTROLS`),
the animation :func:`convarith.animate` draws for them, and beside it the
output size, the formula with the numbers put in, the guide's relationship
and the library's explanation.  ``launch`` and ``info`` need only the
library; ``widget`` needs the ``notebook`` extra (anywidget), and is imported
only when a widget is made.
"""
