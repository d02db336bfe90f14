"""Unit: the repeated-runs comparison reports exactly the findings that differ."""

from crawler.stability import differences


def test_identical_runs_have_no_differences():
    a = {"app": {"status": "found", "clicks_to_human": 2, "channels": (("phone", 2, "1-800", "+1800", "24/7"),)}}
    assert differences({"r1": a, "r2": dict(a), "r3": dict(a)}) == []


def test_dropped_hours_and_missing_apps_are_reported():
    a = {"app": {"status": "found", "service_hours": "24/7"}}
    b = {"app": {"status": "found", "service_hours": None}, "other": {"status": "error"}}
    diffs = differences({"r1": a, "r2": b})
    assert any(d.startswith("app: service_hours:") for d in diffs)
    assert any(d.startswith("other: status:") for d in diffs)
    assert not any("app: status" in d for d in diffs)
