"""The public verbs that wire the layers.

:func:`~convarith.api.animation.animate` builds a scene, draws it and saves it
through the format registry; :func:`~convarith.api.from_torch.from_torch` reads
a PyTorch model into the layer-stack analysis.
"""
