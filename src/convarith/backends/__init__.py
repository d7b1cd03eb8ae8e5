"""Backends: turn a :class:`~convarith.figure.primitives.Figure` into files.

Each backend only translates drawing primitives; none of them knows what a
convolution is.  The ``svg`` and ``tikz`` backends need only the standard
library; ``pdf`` (with ``pdf_content``, ``pdf_fonts`` and ``pdf_file``) embeds
font subsets cut from the bundled fonts.  Import each one where it is used, so that
asking for a shape never pays for a backend.
"""
