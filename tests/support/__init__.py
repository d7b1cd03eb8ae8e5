"""Helpers shared by the tests: PyTorch oracles, realistic figures, cases and read-back tools.

``pythonpath = ["tests"]`` in pyproject.toml makes this package importable as
``support`` from every test folder.
"""
