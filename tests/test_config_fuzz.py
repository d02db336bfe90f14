"""Config fuzzing with hypothesis: any bytes or any YAML-shaped data gives a config or a
ConfigError with a message, never another exception."""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.cli import main
from crawler.config import ConfigError, CrawlConfig, parse_config

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40))
yaml_like = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)), max_leaves=30)
app_keys = st.sampled_from(["id", "name", "category", "region", "locale", "start_url", "allowed_domains", "device",
                            "max_clicks", "max_states", "time_limit_s", "colour"])
apps = st.lists(st.dictionaries(app_keys, scalars | st.lists(st.text(max_size=20), max_size=3), max_size=9),
                max_size=4)


def _check(text_or_bytes) -> None:
    try:
        config = parse_config(text_or_bytes, source="fuzz.yaml")
    except ConfigError as exc:
        assert str(exc).strip()
        assert "Traceback (most recent call last)" not in str(exc)
    else:
        assert isinstance(config, CrawlConfig) and config.apps


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes(data):
    _check(data)


@settings(max_examples=300, deadline=None)
@given(yaml_like)
def test_any_yaml_document(doc):
    _check(yaml.safe_dump(doc, allow_unicode=True))


@settings(max_examples=300, deadline=None)
@given(apps, st.dictionaries(st.sampled_from(["device", "max_clicks", "bogus"]), scalars, max_size=3))
def test_app_lists_with_wrong_fields(app_list, defaults):
    _check(yaml.safe_dump({"defaults": defaults, "apps": app_list}, allow_unicode=True))


VALID = (Path(__file__).resolve().parent.parent / "configs" / "demo.yaml").read_bytes()


@st.composite
def mutated_config(draw) -> bytes:
    """The bundled demo config with a few bytes replaced, inserted or deleted: deep in the
    validation, where random bytes rarely reach."""
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = draw(st.integers(0, 255))
        if action == "replace":
            data[at] = byte
        elif action == "insert":
            data.insert(at, byte)
        else:
            del data[at]
    return bytes(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_config())
def test_mutated_config_file_through_the_command(data):
    """The command a user types: exit 0 (valid) or 2 (one clear message), never a traceback."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "apps.yaml"
        path.write_bytes(data)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["check-config", str(path)])
    assert code in (0, 2), err.getvalue()
    assert "Traceback (most recent call last)" not in err.getvalue()
    if code == 2:
        assert err.getvalue().strip()
