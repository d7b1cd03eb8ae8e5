"""Backends: turn a :class:`~convarith.figure.primitives.Figure` into files.

Each backend only translates drawing primitives; none of them knows what a
convolution is.  The vector backends (``svg``, ``pdf``, ``tikz``) need only the
standard library; import each one where it is used, so that asking for a shape
never pays for a backend.
"""
