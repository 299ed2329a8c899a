"""The version of gulag-kg, read once from the package metadata (pyproject.toml is the one place)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gulag-kg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
