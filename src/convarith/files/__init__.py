"""Writing files safely: checked places, atomic writes, one naming rule for frames.

:mod:`~convarith.files.places` says whether a file or a folder can be written
(before any work), :mod:`~convarith.files.atomic` writes all at once or not at
all, and :mod:`~convarith.files.names` names frame files.  Backends' bytes,
encoders' streams and the gallery's manifest are all written through here.
"""
