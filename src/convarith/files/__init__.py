"""Writing files safely: checked places, atomic writes, whole sets of frames, one naming rule.

:mod:`~convarith.files.places` says whether a file or a folder can be written
(before any work), :mod:`~convarith.files.atomic` writes a file all at once or
not at all and swaps a render's set of frames in as a whole, and
:mod:`~convarith.files.names` names frame files and temporaries.  Backends'
bytes, encoders' streams, folders of frames and the gallery's manifest are
all written through here.
"""
