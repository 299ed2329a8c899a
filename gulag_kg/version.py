"""The version of gulag-kg: the one place it is written (pyproject.toml reads it from here).

A literal rather than ``importlib.metadata``, whose import alone costs about 35 ms of every
command's start.
"""

__version__ = "0.1.0"
