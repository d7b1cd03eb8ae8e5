"""The gallery: the original guide's animations and the explanatory extras, rendered.

:mod:`~convarith.gallery.catalogue` says what is rendered,
:mod:`~convarith.gallery.build` renders it through the format registry, and
:mod:`~convarith.gallery.manifest` remembers what is up to date.
"""
