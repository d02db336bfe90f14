"""Static sharding: `--shard I/N` gives every worker a stable, disjoint part of the app list.

The hash of the app id (not its position) decides, so adding an app to the list moves
no other app to another shard (Kubernetes Indexed Jobs, Slurm arrays, CI matrices).
"""

from __future__ import annotations

import hashlib
import re

SHARD_RE = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(text: str) -> tuple[int, int]:
    """'2/4' -> (2, 4): shard index I in 0..N-1 of N shards."""
    m = SHARD_RE.match(text.strip())
    if not m:
        raise ValueError(f"--shard must look like I/N (e.g. 0/4), not {text!r}")
    index, count = int(m.group(1)), int(m.group(2))
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"--shard {text!r}: need 0 <= I < N")
    return index, count


def shard_of(app_id: str, count: int) -> int:
    digest = hashlib.sha256(app_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def in_shard(app_id: str, index: int, count: int) -> bool:
    return shard_of(app_id, count) == index
