"""The package's public names stay what the README promises, whatever was imported before."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types

import convarith


def test_no_subpackage_shadows_a_public_name() -> None:
    subpackages = {info.name for info in pkgutil.iter_modules(convarith.__path__)}
    assert not subpackages & set(convarith.__all__), "a subpackage would hide a public name"


def test_public_names_survive_importing_every_module() -> None:
    # Run in a fresh interpreter: importing a subpackage sets it on the package.
    script = (
        "import pkgutil, importlib, types, convarith\n"
        "for info in pkgutil.walk_packages(convarith.__path__, 'convarith.'):\n"
        "    if not info.name.endswith('__main__'):\n"
        "        importlib.import_module(info.name)\n"
        "bad = [n for n in convarith.__all__\n"
        "       if isinstance(getattr(convarith, n), types.ModuleType) and n != 'numeric']\n"
        "print(bad)\n"
        "s = convarith.scene('conv', (4, 4), kernel_size=3)\n"
        "print(len(s.frames))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["[]", "4"]


def test_every_public_name_resolves() -> None:
    for name in convarith.__all__:
        value = getattr(convarith, name)
        assert value is not None
        if isinstance(value, types.ModuleType):
            assert name == "numeric" and value is importlib.import_module("convarith.numeric")
