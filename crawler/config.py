"""The app list: a YAML file naming which help centers to crawl and with which budgets.

The file is written by hand by journalists, so every problem is reported in plain words
with the file, the app and the field, and *any* input (binary junk, YAML bombs, deep
nesting) ends in a :class:`ConfigError` rather than a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import ipaddress
import os
import re
import reprlib
import socket
from typing import Any, Literal
from urllib.parse import urlsplit

import phonenumbers
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .lexicon import available_languages, language_of

__all__ = [
    "AppConfig",
    "ConfigError",
    "CrawlConfig",
    "CrawlSettings",
    "Defaults",
    "load_config",
    "parse_config",
]

#: Larger files are refused: an app list is a few kB, anything bigger is a mistake.
MAX_BYTES = 5 * 1024 * 1024
#: Deepest nesting accepted; the real format needs 4 levels.
MAX_DEPTH = 64
#: Most values a document may expand to once aliases are resolved (alias-bomb guard).
MAX_EXPANDED_NODES = 200_000
#: At most this many problems are listed; the rest are counted.
MAX_PROBLEMS = 50

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SLUG_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
_LOCALE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_IPV4_LEGACY_RE = re.compile(r"^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?$")

_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60
_repr.maxlist = 5
_repr.maxdict = 5
_repr.maxlevel = 2


class ConfigError(Exception):
    """A config file that cannot be used; ``str(e)`` is the whole message, one problem a line."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        shown = self.problems[:MAX_PROBLEMS]
        if len(self.problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(self.problems) - MAX_PROBLEMS} more problems")
        super().__init__("\n".join(shown))


# --------------------------------------------------------------------------- helpers


def _show(value: Any) -> str:
    """Short, safe repr for messages (huge or nested values are abbreviated)."""
    if isinstance(value, dt.date):  # YAML turns 2024-01-01 into a date; show it as written
        return value.isoformat()
    try:
        return _repr.repr(value)
    except Exception:  # noqa: BLE001 - a repr must never break error reporting
        return f"<{type(value).__name__}>"


def _kind(value: Any) -> str:
    """The YAML-ish name of a Python value's type, for messages aimed at non-programmers."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, dt.date):
        return "a date"
    return f"a {type(value).__name__}"


def _host_of(url: str) -> str | None:
    """Lower-case IDNA host of an http(s) URL, or None if it is not one."""
    if not isinstance(url, str) or _CONTROL_RE.search(url) or " " in url:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.rstrip(".")
    try:
        return host.encode("idna").decode("ascii").lower() if not host.isascii() else host
    except UnicodeError:
        return None


def _ip(host: str) -> str | None:
    """Canonical text of an IP address host (IPv6 compressed, without brackets), or None.
    IPv4 is read as browsers read it (127.1 and 0x7f.0.0.1 are 127.0.0.1)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    if _IPV4_LEGACY_RE.match(host):
        try:
            return socket.inet_ntoa(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def _split_port(domain: str, raw: str) -> tuple[str, int | None]:
    """`host[:port]` -> (host, port); `[v6]:port`, `[v6]` and a bare IPv6 address as well."""
    if domain.startswith("["):
        host, sep, rest = domain[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"not a valid IPv6 address in brackets: {raw!r}")
        port = rest[1:] if rest else None
        if _ip(host) is None or ":" not in host:
            raise ValueError(f"not a valid IPv6 address in brackets: {raw!r}")
    elif domain.count(":") > 1:  # a bare IPv6 address has no port
        if _ip(domain) is None:
            raise ValueError(f"not a valid IPv6 address (write [addr]:port for a port): {raw!r}")
        return _ip(domain) or domain, None
    else:
        host, sep, port = domain.partition(":")
        port = port if sep else None
    if port is not None and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(f"not a valid port (1-65535): {raw!r}")
    return host, int(port) if port is not None else None


def _normalize_domain(raw: str) -> str:
    """Host name (lower-cased, IDNA-encoded) or IP address, with an optional port:
    `example.com`, `example.gov:8443`, `127.0.0.1:8080`, `[::1]:8080`. ValueError says what
    is wrong."""
    domain = raw.strip().lower()
    if not domain:
        raise ValueError("empty domain")
    if "://" in domain or "/" in domain or "@" in domain or "?" in domain or "#" in domain:
        raise ValueError(
            f"must be a bare host name like 'example.com', with a port if only that one is allowed "
            f"('example.com:8443'), no scheme or path: {raw!r}"
        )
    host, port = _split_port(domain, raw)
    suffix = f":{port}" if port is not None else ""
    ip = _ip(host)
    if ip is not None:
        return (f"[{ip}]" if ":" in ip else ip) + suffix
    domain = host.rstrip(".")
    if not domain:
        raise ValueError(f"empty host name: {raw!r}")
    if domain.startswith("."):
        raise ValueError(f"must not start with a dot (subdomains are allowed anyway): {raw!r}")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"not a valid international domain name: {raw!r}") from None
    if len(domain) > 253 or not all(_LABEL_RE.match(label) for label in domain.split(".")):
        raise ValueError(f"not a valid host name: {raw!r}")
    return domain + suffix


def domain_parts(domain: str) -> tuple[str, int | None, bool]:
    """A normalized allowed domain as (host, port or None for any, is an IP address); an IPv6
    host without brackets. Shared with the in-page popup guard so both read entries alike."""
    host, port = _split_port(domain, domain)
    ip = _ip(host)
    return (ip, port, True) if ip is not None else (host, port, False)


def _effective_port(url: str) -> int | None:
    parts = urlsplit(url)
    try:
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None


def _host_matches(host: str, domains: list[str], port: int | None = None) -> bool:
    """`host` (and `port`, the URL's own or its scheme's) is one of `domains` or a subdomain
    of a named one; an IP address matches only itself; a domain with a port only that port."""
    ip = _ip(host)
    for d in domains:
        try:
            want, want_port, is_ip = domain_parts(d)
        except ValueError:
            continue
        if want_port is not None and want_port != port:
            continue
        if is_ip:
            if ip == want:
                return True
        elif ip is None and (host == want or host.endswith("." + want)):
            return True
    return False


def url_allowed(url: str, domains: list[str]) -> bool:
    """True for an http(s) URL on one of `domains` or a subdomain of one (on the port given
    with the domain, if any)."""
    host = _host_of(url)
    return host is not None and _host_matches(host, domains, _effective_port(url))


# --------------------------------------------------------------------------- models


class _Strict(BaseModel):
    """Config models: unknown keys are errors and '8' is not silently turned into 8."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Defaults(_Strict):
    """Values copied into every app that does not set them itself."""

    device: Literal["mobile", "desktop"] = "mobile"
    max_clicks: int = Field(8, ge=0, le=50)
    max_states: int = Field(400, ge=1)
    time_limit_s: float = Field(300.0, gt=0, allow_inf_nan=False)


class CrawlSettings(_Strict):
    """Crawl-wide politeness settings."""

    obey_robots: bool = True
    user_agent_suffix: str | None = None
    download_delay_s: float = Field(0.5, ge=0, le=600, allow_inf_nan=False)
    #: apps explored at the same time (each has its own browser context)
    concurrent_apps: int = Field(2, ge=1, le=32)
    #: pages working on one app at once; 1 keeps one request at a time per site
    pages_per_app: int = Field(1, ge=1, le=8)
    #: pages per app for sites on this machine (loopback test and demo sites)
    pages_per_local_app: int = Field(3, ge=1, le=8)
    #: loopback sites get remote politeness too (one page, delays): to test it on fixtures
    polite_local_hosts: bool = False
    #: crawl apps whose locale has no lexicon (read with every language's words): a logged
    #: research override, since the crawler cannot understand their controls
    allow_unknown_locale: bool = False
    #: share of max_states and time_limit_s the best-first probe may spend finding a first
    #: route before the breadth-first proof (0: proof only); see README "How the search works"
    probe_share: float = Field(0.25, ge=0, le=1, allow_inf_nan=False)
    #: once the human minimum is proven, levels searched past it for the other channels
    extra_levels: int = Field(4, ge=0, le=50)
    #: a run first replays the shortest human routes of the latest earlier run in the same
    #: output (cheap confirmation, early upper bound; `previous_route` says if they still work)
    replay_previous_routes: bool = True
    #: also follow copies of pages in other languages (hreflang alternates, /es/, ?lang=);
    #: by default an app is explored once, in its own locale
    other_languages: bool = False

    @field_validator("user_agent_suffix")
    @classmethod
    def _check_suffix(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if _CONTROL_RE.search(value):
            raise ValueError("must be one line without control characters")
        if len(value) > 200:
            raise ValueError("too long (at most 200 characters)")
        return value or None


class AppConfig(_Strict):
    """One app's help center to crawl, with defaults already merged in."""

    id: str
    name: str
    category: str
    region: str
    locale: str | None = None
    start_url: str
    allowed_domains: list[str]
    device: Literal["mobile", "desktop"] = "mobile"
    max_clicks: int = Field(8, ge=0, le=50)
    max_states: int = Field(400, ge=1)
    time_limit_s: float = Field(300.0, gt=0, allow_inf_nan=False)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID_RE.match(value) or len(value) > 64:
            raise ValueError(
                "must be 1-64 lower-case letters, digits or '-', starting with a letter or "
                f"digit (it is used in file names): {value!r}"
            )
        return value

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("category")
    @classmethod
    def _check_category(cls, value: str) -> str:
        if not _SLUG_RE.match(value):
            raise ValueError(
                "must be a lower-case slug (letters, digits, '_' or '-', starting with a "
                f"letter), e.g. 'airline': {value!r}"
            )
        return value

    @field_validator("region")
    @classmethod
    def _check_region(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(
                f"not a known ISO 3166 two-letter region code: {value!r} (e.g. 'CN', 'US', 'DE')"
            )
        return code

    @field_validator("locale")
    @classmethod
    def _check_locale(cls, value: str | None) -> str | None:
        if value is not None and not _LOCALE_RE.match(value):
            raise ValueError(f"not a language tag like 'zh-CN' or 'en': {value!r}")
        return value

    @field_validator("start_url")
    @classmethod
    def _check_start_url(cls, value: str) -> str:
        value = value.strip()
        if _host_of(value) is None:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value

    @field_validator("allowed_domains")
    @classmethod
    def _check_domains(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("must list at least one domain")
        seen: list[str] = []
        for raw in value:
            domain = _normalize_domain(raw)
            if domain not in seen:
                seen.append(domain)
        return seen

    @model_validator(mode="after")
    def _start_url_allowed(self) -> AppConfig:
        host = _host_of(self.start_url)
        if host is None or not url_allowed(self.start_url, self.allowed_domains):
            port = _effective_port(self.start_url)
            raise ValueError(
                f"start_url: host {host!r} (port {port}) is not one of allowed_domains "
                f"{self.allowed_domains} nor a subdomain of one"
            )
        return self

    def is_allowed(self, url: str) -> bool:
        """True for an http(s) URL on an allowed domain or a subdomain of one."""
        return url_allowed(url, self.allowed_domains)


class CrawlConfig(BaseModel):
    """The whole validated app list."""

    model_config = ConfigDict(extra="forbid")

    apps: list[AppConfig]
    settings: CrawlSettings = Field(default_factory=CrawlSettings)
    source: str = "<config>"

    def app(self, app_id: str) -> AppConfig:
        """The app with this id; KeyError names the file if there is none."""
        for app in self.apps:
            if app.id == app_id:
                return app
        raise KeyError(f"no app with id {app_id!r} in {self.source}")


# --------------------------------------------------------------------------- YAML


class _YamlLimit(Exception):
    """The document is too deep or expands too much; carries a ready message."""


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader that refuses deep nesting before Python's recursion limit is near."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _YamlLimit(
                    f"line {mark.line + 1}, column {mark.column + 1}: nested more than "
                    f"{MAX_DEPTH} levels deep"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _check_graph(root: yaml.Node) -> list[str]:
    """Reject alias bombs and recursive aliases; report duplicate mapping keys.

    PyYAML shares aliased nodes, so a bomb is cheap to compose but explodes later when
    validated or printed; we count what it would expand to, memoised per node.
    """
    size: dict[int, int] = {}
    visiting: set[int] = set()
    problems: list[str] = []
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in size:
            continue
        if isinstance(node, yaml.ScalarNode):
            size[key] = 1
            continue
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = [part for pair in node.value for part in pair]
        if children_done:
            visiting.discard(key)
            total = 1 + sum(size[id(child)] for child in children)
            if total > MAX_EXPANDED_NODES:
                mark = node.start_mark
                raise _YamlLimit(
                    f"line {mark.line + 1}, column {mark.column + 1}: aliases (*name) expand "
                    f"to more than {MAX_EXPANDED_NODES} values; refusing a possible alias bomb"
                )
            size[key] = total
            continue
        if key in visiting:
            mark = node.start_mark
            raise _YamlLimit(
                f"line {mark.line + 1}, column {mark.column + 1}: an alias refers to the "
                "value that contains it (recursive alias)"
            )
        visiting.add(key)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, _ in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    if k.value in seen:
                        problems.append(
                            f"line {k.start_mark.line + 1}, column {k.start_mark.column + 1}: "
                            f"duplicate key {k.value!r} (first on line {seen[k.value]})"
                        )
                    else:
                        seen[k.value] = k.start_mark.line + 1
        stack.append((node, True))
        for child in children:
            if id(child) in visiting:
                mark = child.start_mark
                raise _YamlLimit(
                    f"line {mark.line + 1}, column {mark.column + 1}: an alias refers to the "
                    "value that contains it (recursive alias)"
                )
            if id(child) not in size:
                stack.append((child, False))
    return problems


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    """'line L, column C: YAML syntax error: <problem> (<context> at ...)' with a hint."""
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    what = str(exc.problem or exc.context or "invalid YAML")
    if exc.problem and exc.context:
        cmark = exc.context_mark
        at = f" that started at line {cmark.line + 1}, column {cmark.column + 1}" if cmark else ""
        what += f" ({exc.context}{at})"
    if "expected <block end>" in what or "mapping values are not allowed" in what:
        what += "; check the indentation and the ':' after each key"
    return f"{where}YAML syntax error: {what}"


def _load_yaml(text: str, source: str) -> Any:
    """Parse one YAML document safely; every failure becomes a ConfigError."""
    loader: _GuardedLoader | None = None
    try:
        loader = _GuardedLoader(text)  # checks for unprintable characters already
        node = loader.get_single_node()
        if node is None:
            return None
        duplicates = _check_graph(node)
        if duplicates:
            raise ConfigError([f"{source}: {p}" for p in duplicates])
        return loader.construct_document(node)
    except ConfigError:
        raise
    except _YamlLimit as exc:
        raise ConfigError(f"{source}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(f"{source}: {_yaml_message(exc)}") from None
    except yaml.reader.ReaderError as exc:
        raise ConfigError(
            f"{source}: {_line_col(text, exc.position)}: YAML syntax error: character "
            f"{exc.character!r} is not allowed in YAML text ({exc.reason})"
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: YAML syntax error: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{source}: nested too deeply") from None
    except (ValueError, OverflowError, TypeError) as exc:  # e.g. the date 2024-13-45
        raise ConfigError(f"{source}: YAML value error: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()


# --------------------------------------------------------------------------- validation


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_TYPE_WORDS = {
    "string_type": "expected a string",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
}

_BOUND_WORDS = {
    "greater_than": "must be more than",
    "greater_than_equal": "must be at least",
    "less_than": "must be less than",
    "less_than_equal": "must be at most",
}


def _describe(err: dict[str, Any], allowed: list[str]) -> str:
    """One pydantic error in plain words, prefixed by the field it concerns."""
    loc = tuple(err.get("loc", ()))
    etype = err.get("type", "")
    value = err.get("input")
    field = _field_path(loc)
    if etype == "extra_forbidden":
        key = loc[-1] if loc else "?"
        hint = difflib.get_close_matches(str(key), allowed, n=1)
        msg = f"unknown key {key!r}"
        if hint:
            msg += f" (did you mean {hint[0]!r}?)"
        parent = _field_path(loc[:-1])
        return f"{parent}: {msg}" if parent else msg
    if etype == "invalid_key":
        return f"unknown key {_show(loc[-1] if loc else value)} (keys must be text)"
    if etype == "missing":
        return f"{field}: required key is missing"
    if etype == "value_error":
        ctx_err = (err.get("ctx") or {}).get("error")
        msg = str(ctx_err) if ctx_err is not None else str(err.get("msg", ""))
        return f"{field}: {msg}" if field else msg
    if etype == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        return f"{field}: must be one of {expected}, got {_show(value)}"
    if etype in _TYPE_WORDS:
        msg = f"{_TYPE_WORDS[etype]}, got {_kind(value)}"
        if value is not None:
            msg += f" {_show(value)}"
        if etype == "string_type" and isinstance(value, (int, float, dt.date)):
            msg += " (put it in quotes)"
        return f"{field}: {msg}"
    ctx = err.get("ctx") or {}
    if etype in _BOUND_WORDS:
        bound = next(iter(ctx.values()), "?")
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"{field}: {_BOUND_WORDS[etype]} {bound}, got {_show(value)}"
    if etype == "finite_number":
        return f"{field}: must be a finite number, got {_show(value)}"
    msg = str(err.get("msg", "invalid value"))
    msg = msg[:1].lower() + msg[1:]
    return f"{field}: {msg}, got {_show(value)}"


def _errors(exc: ValidationError, prefix: str, allowed: list[str]) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        out.append(f"{prefix}{_describe(err, allowed)}")
    return out


def _validate(data: Any, source: str) -> CrawlConfig:
    """Build the CrawlConfig from loaded YAML, collecting every problem before raising."""
    if data is None:
        raise ConfigError(f"{source}: the file is empty; expected a mapping with an 'apps' list")
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source}: the top level must be a mapping with an 'apps' list, got {_kind(data)}"
        )
    problems: list[str] = []
    top_keys = ["apps", "defaults", "settings"]
    for key in data:
        if key not in top_keys:
            hint = difflib.get_close_matches(str(key), top_keys, n=1)
            extra = (
                f" (did you mean {hint[0]!r}?)" if hint else f" (allowed: {', '.join(top_keys)})"
            )
            problems.append(f"{source}: unknown top-level key {_show(key)}{extra}")

    defaults: dict[str, Any] = {}
    raw_defaults = data.get("defaults")
    if raw_defaults is not None and not isinstance(raw_defaults, dict):
        problems.append(f"{source}: defaults: expected a mapping, got {_kind(raw_defaults)}")
    elif raw_defaults:
        try:
            defaults = Defaults.model_validate(raw_defaults).model_dump()
        except ValidationError as exc:
            problems += _errors(exc, f"{source}: defaults: ", list(Defaults.model_fields))
    if not defaults:
        defaults = Defaults().model_dump()

    settings = CrawlSettings()
    raw_settings = data.get("settings")
    if raw_settings is not None and not isinstance(raw_settings, dict):
        problems.append(f"{source}: settings: expected a mapping, got {_kind(raw_settings)}")
    elif raw_settings:
        try:
            settings = CrawlSettings.model_validate(raw_settings)
        except ValidationError as exc:
            problems += _errors(exc, f"{source}: settings: ", list(CrawlSettings.model_fields))

    raw_apps = data.get("apps")
    apps: list[AppConfig] = []
    if "apps" not in data:
        problems.append(f"{source}: required key 'apps' is missing (the list of apps to crawl)")
    elif not isinstance(raw_apps, list):
        problems.append(f"{source}: apps: expected a list of apps, got {_kind(raw_apps)}")
    elif not raw_apps:
        problems.append(f"{source}: apps: the list is empty; at least one app is needed")
    else:
        first_index: dict[str, int] = {}
        app_fields = list(AppConfig.model_fields)
        for index, raw in enumerate(raw_apps):
            where = f"apps[{index}]"
            if not isinstance(raw, dict):
                problems.append(
                    f"{source}: {where}: expected a mapping, got {_kind(raw)} {_show(raw)}"
                )
                continue
            raw_id = raw.get("id")
            label = where
            if isinstance(raw_id, str) and raw_id:
                label = f"app {_show(raw_id)} ({where})"
                if raw_id in first_index:
                    problems.append(
                        f"{source}: {where}: id: duplicate id {_show(raw_id)} "
                        f"(first at apps[{first_index[raw_id]}])"
                    )
                    continue
                first_index[raw_id] = index
            merged = {**defaults, **raw}
            try:
                apps.append(AppConfig.model_validate(merged))
            except ValidationError as exc:
                problems += _errors(exc, f"{source}: {label}: ", app_fields)
    if not settings.allow_unknown_locale:
        for index, app in enumerate(apps):
            if app.locale and language_of(app.locale) is None:
                problems.append(
                    f"{source}: app {_show(app.id)} (apps[{index}]): locale: {_show(app.locale)} has no lexicon, so the "
                    f"crawler cannot tell which controls start a contact (known: {', '.join(available_languages())}); "
                    "add crawler/lexicons/<language>.yaml, or set settings.allow_unknown_locale: true (research override)")
    if problems:
        raise ConfigError(problems)
    return CrawlConfig(apps=apps, settings=settings, source=source)


# --------------------------------------------------------------------------- entry points


def parse_config(text: str | bytes, source: str = "<config>") -> CrawlConfig:
    """Validate config text; raises ConfigError and nothing else."""
    try:
        if isinstance(text, (bytes, bytearray)):
            text = _decode(bytes(text), source)
        if not isinstance(text, str):
            raise ConfigError(f"{source}: expected text, got {type(text).__name__}")
        if len(text) > MAX_BYTES:
            raise ConfigError(f"{source}: larger than {MAX_BYTES // (1024 * 1024)} MB")
        text = text.removeprefix("\ufeff")
        return _validate(_load_yaml(text, source), source)
    except ConfigError:
        raise
    except RecursionError:
        raise ConfigError(f"{source}: nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - the contract is: only ConfigError escapes
        raise ConfigError(f"{source}: could not read config: {type(exc).__name__}: {exc}") from None


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ConfigError(
            f"{source}: line {line}, column {column}: not UTF-8 text "
            f"(byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None


def load_config(path: str | os.PathLike[str]) -> CrawlConfig:
    """Read and validate the app list at ``path``; raises ConfigError and nothing else."""
    try:
        source = os.fspath(path)
        if isinstance(source, bytes):
            source = source.decode("utf-8", "replace")
    except Exception:  # noqa: BLE001
        raise ConfigError(f"{path!r}: not a file path") from None
    try:
        with open(source, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{source}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{source}: is a directory, not a config file") from None
    except PermissionError:
        raise ConfigError(f"{source}: permission denied") from None
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read: {exc.strerror or exc}") from None
    except Exception as exc:  # noqa: BLE001 - e.g. ValueError for a NUL in the path
        raise ConfigError(f"{source}: cannot read: {exc}") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{source}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    return parse_config(data, source)
