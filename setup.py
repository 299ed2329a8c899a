"""One build step pyproject.toml cannot express: the wheel carries the data.

The ontology, shapes, graph and sources live at the top of the repository, where people edit
them. A wheel has no place for them there, so ``build_py`` copies them into the package as
``gulag_kg/_data/`` (``gulag_kg.paths`` finds them there once installed). The sdist carries the
same folders at its top (MANIFEST.in), so a wheel built from the sdist gets them too. An editable
install copies nothing: it reads the checkout's folders directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: The folders of the repository the package reads at run time (also listed in MANIFEST.in and
#: checked by tests/test_packaging.py).
DATA_FOLDERS = ("ontology", "shapes", "graph", "sources")


class build_py_with_data(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "gulag_kg" / "_data"
        shutil.rmtree(target, ignore_errors=True)
        for name in DATA_FOLDERS:
            source = Path(name)
            if not source.is_dir():
                raise SystemExit(f"error: {source.resolve()} is missing; the package cannot be built without it")
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": build_py_with_data})
