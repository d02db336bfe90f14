"""Bundled fixture help-center sites and the stdlib server that serves them.

`reachability demo` serves `sites_root()` with `FixtureServer` on port 8766 and crawls the
apps of `configs/demo.yaml`; `truth.yaml` beside this file holds the expected answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .server import FixtureServer, sites_root

#: Ground truth of the bundled demo sites.
TRUTH_FILE = Path(__file__).resolve().parent / "truth.yaml"

__all__ = ["TRUTH_FILE", "FixtureServer", "sites_root"]


def __getattr__(name: str):
    # imported lazily so that `python -m crawler.demo.server` does not import it twice
    if name in ("FixtureServer", "sites_root"):
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
