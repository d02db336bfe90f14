"""Words shown to readers of the CSV, XLSX and HTML report, in English and Chinese."""

from __future__ import annotations


def how_sure(clicks: int | None, proven: bool | None, states: int | None, lang: str = "en") -> str | None:
    """'3 taps (proven)' or '4 taps; no shorter route among 400 states'.

    None without a count, and for runs written before `min_proven` existed: no claim either way."""
    if clicks is None or proven is None:
        return None
    n, states = int(clicks), int(states or 0)
    if lang == "zh":
        return f"{n} 次（已证明最少）" if proven else f"{n} 次；在 {states} 个状态中没有更短的路径"
    taps = "tap" if n == 1 else "taps"
    return f"{n} {taps} (proven)" if proven else f"{n} {taps}; no shorter route among {states} states"
