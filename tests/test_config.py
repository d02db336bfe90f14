"""The app list: valid files load, every broken file gives a ConfigError naming the problem."""

from __future__ import annotations

import os
import random
import textwrap
from pathlib import Path

import pytest

from crawler.config import (
    AppConfig,
    ConfigError,
    CrawlConfig,
    CrawlSettings,
    load_config,
    parse_config,
)

SRC = "configs/apps.yaml"

VALID = """\
defaults: {device: mobile, max_clicks: 8, max_states: 400, time_limit_s: 300}
settings:
  obey_robots: true
  user_agent_suffix: "reachability-survey (+https://example.org/contact)"
  download_delay_s: 0.5
apps:
  - id: acme-air
    name: Acme Air
    category: airline
    region: CN
    locale: zh-CN
    start_url: https://m.acme-air.example/
    allowed_domains: [acme-air.example]
  - id: beta-bank
    name: Beta Bank
    category: bank
    region: DE
    start_url: https://hilfe.beta.example/kontakt
    allowed_domains: [Beta.Example, cdn.beta.example]
    device: desktop
    max_clicks: 0
    max_states: 1
    time_limit_s: 12.5
"""

APP = """\
apps:
  - id: acme-air
    name: Acme Air
    category: airline
    region: CN
    start_url: https://m.acme-air.example/
    allowed_domains: [acme-air.example]
"""


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, SRC)
    return str(info.value)


def _app_with(**changes: object) -> str:
    """APP with some fields replaced (None removes the field), as YAML text."""
    lines = []
    fields = dict(line.strip().removeprefix("- ").split(": ", 1) for line in APP.splitlines()[1:])
    for key, value in changes.items():
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = str(value)
    for index, (key, value) in enumerate(fields.items()):
        lines.append(("  - " if index == 0 else "    ") + f"{key}: {value}")
    return "apps:\n" + "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- valid


def test_valid_config_and_defaults_merge() -> None:
    config = parse_config(VALID, SRC)
    assert isinstance(config, CrawlConfig)
    assert config.source == SRC
    assert [a.id for a in config.apps] == ["acme-air", "beta-bank"]
    acme = config.app("acme-air")
    assert acme == AppConfig(
        id="acme-air",
        name="Acme Air",
        category="airline",
        region="CN",
        locale="zh-CN",
        start_url="https://m.acme-air.example/",
        allowed_domains=["acme-air.example"],
        device="mobile",
        max_clicks=8,
        max_states=400,
        time_limit_s=300.0,
    )
    beta = config.app("beta-bank")  # app values win over defaults
    assert (beta.device, beta.max_clicks, beta.max_states, beta.time_limit_s) == (
        "desktop",
        0,
        1,
        12.5,
    )
    assert beta.allowed_domains == ["beta.example", "cdn.beta.example"]
    assert beta.locale is None
    assert config.settings == CrawlSettings(
        obey_robots=True,
        user_agent_suffix="reachability-survey (+https://example.org/contact)",
        download_delay_s=0.5,
    )
    with pytest.raises(KeyError, match="no app with id 'nope'"):
        config.app("nope")


def test_builtin_defaults_without_defaults_or_settings() -> None:
    config = parse_config(APP)
    app = config.apps[0]
    assert (app.device, app.max_clicks, app.max_states, app.time_limit_s) == (
        "mobile",
        8,
        400,
        300.0,
    )
    assert config.settings == CrawlSettings()
    assert config.source == "<config>"


def test_partial_defaults_merge() -> None:
    config = parse_config("defaults: {max_clicks: 3}\n" + APP)
    assert config.apps[0].max_clicks == 3 and config.apps[0].max_states == 400


def test_is_allowed() -> None:
    app = parse_config(VALID).app("beta-bank")
    assert app.is_allowed("https://beta.example/x")
    assert app.is_allowed("http://deep.sub.beta.example:8080/x?y#z")
    assert app.is_allowed("https://BETA.EXAMPLE./")
    assert not app.is_allowed("https://notbeta.example/")
    assert not app.is_allowed("https://beta.example.evil.com/")
    assert not app.is_allowed("ftp://beta.example/")
    assert not app.is_allowed("javascript:alert(1)")
    assert not app.is_allowed("https://beta.example:99999/")
    assert not app.is_allowed("http://[::1")
    assert not app.is_allowed("")
    assert not app.is_allowed(None)  # type: ignore[arg-type]


def test_load_config_from_file(tmp_path: Path) -> None:
    path = tmp_path / "apps.yaml"
    path.write_text(VALID, encoding="utf-8")
    config = load_config(path)
    assert config.source == str(path) and len(config.apps) == 2
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())  # a BOM from Windows editors is fine
    assert len(load_config(str(path)).apps) == 2


def test_unicode_names_and_idn_domains() -> None:
    text = _app_with(
        name="航空 ✈️", start_url="https://bücher.example/hilfe", allowed_domains="[bücher.example]"
    )
    app = parse_config(text).apps[0]
    assert app.name == "航空 ✈️"
    assert app.allowed_domains == ["xn--bcher-kva.example"]
    assert app.is_allowed("https://www.bücher.example/")


# --------------------------------------------------------------------------- errors


def test_missing_field() -> None:
    msg = _error(_app_with(name=None))
    assert msg == f"{SRC}: app 'acme-air' (apps[0]): name: required key is missing"
    assert "apps[0]: id: required key is missing" in _error(_app_with(id=None))


def test_duplicate_id() -> None:
    text = APP + APP.split("\n", 1)[1] + APP.split("\n", 1)[1]
    msg = _error(text)
    assert f"{SRC}: apps[1]: id: duplicate id 'acme-air' (first at apps[0])" in msg
    assert f"{SRC}: apps[2]: id: duplicate id 'acme-air' (first at apps[0])" in msg


@pytest.mark.parametrize(
    "url", ["ftp://x", "not a url", "https://", "//m.acme-air.example/", "mailto:a@b.c"]
)
def test_bad_start_url(url: str) -> None:
    msg = _error(_app_with(start_url=repr(url)))
    assert f"{SRC}: app 'acme-air' (apps[0]): start_url: not an http(s) URL: {url!r}" in msg


def test_start_url_not_in_allowed_domains() -> None:
    msg = _error(_app_with(start_url="https://acme-air.example.evil.com/"))
    assert "app 'acme-air' (apps[0]): start_url: host 'acme-air.example.evil.com'" in msg
    assert "allowed_domains" in msg


@pytest.mark.parametrize(
    "domains",
    [
        "[https://acme-air.example]",
        "[acme-air.example/help]",
        "[acme-air.example:0]",
        "[acme-air.example:65536]",
        "[acme-air.example:https]",
        "['acme-air.example:']",
        "['[::1']",
        "['::zz']",
        "['']",
        "[]",
        "acme-air.example",
        "[.acme-air.example]",
        "[acme air.example]",
    ],
)
def test_bad_allowed_domains(domains: str) -> None:
    msg = _error(_app_with(allowed_domains=domains))
    assert "app 'acme-air' (apps[0]): allowed_domains" in msg


def test_unknown_keys_everywhere() -> None:
    msg = _error(_app_with(colour="red"))
    assert msg == f"{SRC}: app 'acme-air' (apps[0]): unknown key 'colour'"
    assert "did you mean 'category'" in _error(_app_with(categroy="x"))
    assert f"{SRC}: defaults: unknown key 'colour'" in _error("defaults: {colour: red}\n" + APP)
    assert f"{SRC}: settings: unknown key 'robots'" in _error("settings: {robots: true}\n" + APP)
    assert f"{SRC}: unknown top-level key 'app'" in _error("app: 1\n" + APP)


def test_yaml_syntax_error_has_line_and_column() -> None:
    text = "apps:\n  - id: acme-air\n    name: [unclosed\n  - id: b\n"
    msg = _error(text)
    assert msg.startswith(f"{SRC}: line ")
    assert "column" in msg and "YAML syntax error" in msg
    msg = _error("apps:\n  - id: a\n   name: b\n")
    assert msg.startswith(f"{SRC}: line 3, column 4: YAML syntax error: expected <block end>")
    assert "started at line 2, column 3" in msg and "check the indentation" in msg


def test_duplicate_yaml_keys() -> None:
    msg = _error(APP + "    name: Other\n")
    assert "line 8, column 5: duplicate key 'name' (first on line 3)" in msg


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("id", "123", "id: expected a string, got a number 123 (put it in quotes)"),
        ("id", "Acme Air", "id: must be 1-64 lower-case letters"),
        ("name", "''", "name: must not be empty"),
        ("name", "[a, b]", "name: expected a string, got a list"),
        ("category", "Air Lines", "category: must be a lower-case slug"),
        ("region", "XX", "region: not a known ISO 3166 two-letter region code: 'XX'"),
        ("region", "China", "region: not a known ISO 3166"),
        ("locale", "Chinese", "locale: not a language tag"),
        ("device", "tablet", "device: must be one of 'mobile' or 'desktop', got 'tablet'"),
        ("max_clicks", "'8'", "max_clicks: expected a whole number, got a string '8'"),
        ("max_clicks", "8.5", "max_clicks: expected a whole number"),
        ("max_clicks", "true", "max_clicks: expected a whole number, got a boolean"),
        ("max_clicks", "51", "max_clicks: must be at most 50, got 51"),
        ("max_clicks", "-1", "max_clicks: must be at least 0, got -1"),
        ("max_states", "0", "max_states: must be at least 1, got 0"),
        ("time_limit_s", "0", "time_limit_s: must be more than 0, got 0"),
        ("time_limit_s", ".inf", "time_limit_s: must be a finite number"),
        ("time_limit_s", "5 minutes", "time_limit_s: expected a number, got a string"),
        ("allowed_domains", "{a: b}", "allowed_domains: expected a list, got a mapping"),
    ],
)
def test_wrong_values(field: str, value: str, words: str) -> None:
    msg = _error(_app_with(**{field: value}))
    label = {"123": "apps[0]", "Acme Air": "app 'Acme Air' (apps[0])"}.get(
        value, "app 'acme-air' (apps[0])"
    )
    assert f"{SRC}: {label}: {words}" in msg, msg


def test_region_is_upper_cased() -> None:
    assert parse_config(_app_with(region="cn")).apps[0].region == "CN"


def test_wrong_types_in_defaults_and_settings() -> None:
    assert f"{SRC}: defaults: max_clicks: must be at most 50" in _error(
        "defaults: {max_clicks: 99}\n" + APP
    )
    assert f"{SRC}: defaults: expected a mapping, got a list" in _error("defaults: [1]\n" + APP)
    assert f"{SRC}: settings: obey_robots: expected true or false" in _error(
        "settings: {obey_robots: 'sometimes'}\n" + APP
    )
    assert f"{SRC}: settings: download_delay_s: must be at least 0" in _error(
        "settings: {download_delay_s: -1}\n" + APP
    )


def test_several_problems_one_line_each() -> None:
    text = APP + "  - 5\n  - id: b\n    colour: red\n"
    lines = _error(text).splitlines()
    assert f"{SRC}: apps[1]: expected a mapping, got a number 5" in lines
    assert f"{SRC}: app 'b' (apps[2]): unknown key 'colour'" in lines
    assert f"{SRC}: app 'b' (apps[2]): name: required key is missing" in lines
    assert all(line.startswith(f"{SRC}: ") for line in lines)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("apps: []\n", "apps: the list is empty"),
        ("apps:\n", "apps: expected a list of apps, got nothing (null)"),
        ("apps: {a: 1}\n", "apps: expected a list of apps, got a mapping"),
        ("defaults: {}\n", "required key 'apps' is missing"),
        ("- id: a\n", "the top level must be a mapping with an 'apps' list, got a list"),
        ("just text\n", "the top level must be a mapping with an 'apps' list, got a string"),
        ("42\n", "got a number"),
        ("a: 1\n---\nb: 2\n", "YAML syntax error"),
        ("apps: !!python/object:os.system {}\n", "YAML syntax error"),
        ("apps: [{id: 2024-13-45}]\n", "YAML value error"),
        ("{1: 2}\n", "unknown top-level key 1"),
    ],
)
def test_not_a_usable_document(text: str, words: str) -> None:
    msg = _error(text)
    assert msg.startswith(f"{SRC}: ")
    assert words in msg, msg


def test_alias_bomb() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefghi", "bcdefghij", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("apps: [*j]")
    msg = _error("\n".join(lines) + "\n")
    assert "alias bomb" in msg


def test_recursive_alias_and_deep_nesting() -> None:
    assert "recursive alias" in _error("apps: &x [*x]\n")
    assert "nested more than" in _error("apps: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "nested more than" in _error("apps:" + "".join(f"\n{' ' * i}- " for i in range(2000)))


def test_aliases_in_moderation_are_fine() -> None:
    text = textwrap.dedent(
        """\
        x-domains: &acme [acme-air.example]
        apps:
          - id: acme-air
            name: Acme Air
            category: airline
            region: CN
            start_url: https://m.acme-air.example/
            allowed_domains: *acme
        """
    )
    assert "unknown top-level key 'x-domains'" in _error(text)  # anchors need a known home
    ok = text.replace("x-domains: &acme [acme-air.example]\n", "").replace(
        "allowed_domains: *acme", "allowed_domains: &acme [acme-air.example]"
    )
    assert parse_config(ok).apps[0].allowed_domains == ["acme-air.example"]


def test_file_problems(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert str(_load_error(missing)) == f"{missing}: file not found"
    assert "is a directory" in str(_load_error(tmp_path))
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"apps:\n  - id: \xff\xfe\n")
    assert str(_load_error(binary)) == (
        f"{binary}: line 2, column 9: not UTF-8 text (byte 0xff); save the file as UTF-8"
    )
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"#" * (5 * 1024 * 1024 + 10))
    assert "larger than 5 MB" in str(_load_error(huge))
    assert "cannot read" in str(_load_error("bad\0path.yaml"))
    if os.name == "posix" and os.geteuid() != 0:
        locked = tmp_path / "locked.yaml"
        locked.write_text(APP)
        locked.chmod(0)
        assert "permission denied" in str(_load_error(locked))


def _load_error(path: object) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(path)  # type: ignore[arg-type]
    return info.value


def test_binary_garbage_and_control_characters() -> None:
    assert "not UTF-8" in str(_parse_error(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert "YAML syntax error" in str(_parse_error("apps: \x00\x01\n"))
    assert "line 2" in str(_parse_error("apps:\n  - \x07\n"))


def _parse_error(data: str | bytes) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(data, SRC)
    return info.value


def test_random_bytes_only_raise_config_error(tmp_path: Path) -> None:
    """Whatever is in the file, the caller only ever has to handle ConfigError."""
    rng = random.Random(20261124)
    alphabet = b"apps:-[]{}&*!|>'\"#%@`,?\n \t0123456789idnameurl\xff\xc3\x00"
    path = tmp_path / "fuzz.yaml"
    for round_ in range(200):
        size = rng.randint(0, 400)
        if round_ % 2:
            data = bytes(rng.getrandbits(8) for _ in range(size))
        else:  # YAML-ish noise reaches deeper into the parser than pure noise
            data = bytes(rng.choice(alphabet) for _ in range(size))
        path.write_bytes(data)
        try:
            load_config(path)
        except ConfigError as exc:
            assert str(exc).startswith(str(path))
        try:
            parse_config(data, SRC)
        except ConfigError:
            pass


def test_mutated_valid_config_only_raises_config_error() -> None:
    """Random edits of a real config exercise the validation paths, not just the parser."""
    rng = random.Random(7)
    base = VALID.encode()
    for _ in range(200):
        data = bytearray(base)
        for _ in range(rng.randint(1, 5)):
            pos = rng.randrange(len(data))
            op = rng.random()
            if op < 0.4:
                data[pos] = rng.choice(b" :-[]{}&*0123456789x\n'")
            elif op < 0.7:
                del data[pos]
            else:
                data.insert(pos, rng.choice(b" :-[]{}&*0123456789x\n'"))
        try:
            parse_config(bytes(data), SRC)
        except ConfigError:
            pass


def test_config_error_is_one_line_per_problem_and_capped() -> None:
    apps = "".join(f"  - id: a{i}\n" for i in range(200))
    msg = _error("apps:\n" + apps)
    lines = msg.splitlines()
    assert len(lines) == 51 and lines[-1].startswith("... and ")


# ----------------------------------------------------------------------------- allowed domains with ports
@pytest.mark.parametrize(
    "start_url,domains,normalized",
    [
        ("https://acme-air.example/", "[acme-air.example:443]", ["acme-air.example:443"]),
        ("https://m.example.gov:8443/help", "[Example.GOV:8443]", ["example.gov:8443"]),
        ("http://127.0.0.1:8080/", "['127.0.0.1:8080']", ["127.0.0.1:8080"]),
        ("http://localhost:8765/", "['localhost:8765']", ["localhost:8765"]),
        ("http://[::1]:8080/", "['[::1]:8080']", ["[::1]:8080"]),
        ("http://[::1]/", "['::1', '[0:0::1]']", ["[::1]"]),
        ("http://10.0.0.7/", "[10.0.0.7]", ["10.0.0.7"]),
        ("https://bücher.example:8443/", "['bücher.example:8443']", ["xn--bcher-kva.example:8443"]),
    ],
)
def test_allowed_domains_with_a_port_or_an_ip_address(start_url: str, domains: str, normalized: list[str]) -> None:
    cfg = parse_config(_app_with(start_url=start_url, allowed_domains=domains), SRC)
    assert cfg.apps[0].allowed_domains == normalized


def test_a_start_url_on_another_port_is_refused_with_the_port_named() -> None:
    msg = _error(_app_with(start_url="http://127.0.0.1:8081/", allowed_domains="['127.0.0.1:8080']"))
    assert "start_url: host '127.0.0.1' (port 8081) is not one of allowed_domains" in msg


@pytest.mark.parametrize(
    "url,allowed",
    [
        ("https://example.gov:8443/x", True),
        ("https://help.example.gov:8443/x", True),  # a subdomain, on the port given
        ("https://example.gov/x", False),  # 443: not the port given
        ("http://example.gov:8080/x", False),
        ("https://evil-example.gov:8443/", False),
        ("http://127.0.0.1:8080/a", True),
        ("http://127.0.0.1:8081/a", False),
        ("http://127.0.0.1/a", False),
        ("http://1.127.0.0.1:8080/", False),  # an IP address has no subdomains
        ("http://[::1]:8080/", True),
        ("http://[0:0:0:0:0:0:0:1]:8080/", True),
        ("http://[::1]:8081/", False),
        ("http://localhost:8765/", True),
        ("http://app.localhost:8765/", True),
        ("http://localhost:8766/", False),
        ("http://plain.example/", True),  # no port given: any port
        ("https://cdn.plain.example:9443/", True),
        ("http://10.0.0.7:1234/", True),
        ("http://10.0.0.8/", False),
        ("ftp://plain.example/", False),
    ],
)
def test_url_allowed_reads_ports_and_ip_addresses(url: str, allowed: bool) -> None:
    from crawler.config import url_allowed

    domains = ["example.gov:8443", "127.0.0.1:8080", "[::1]:8080", "localhost:8765", "plain.example", "10.0.0.7"]
    assert url_allowed(url, domains) is allowed
    app = AppConfig(id="a", name="a", category="test", region="US", start_url="http://plain.example/",
                    allowed_domains=domains)
    assert app.is_allowed(url) is allowed
