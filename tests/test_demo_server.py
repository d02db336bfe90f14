"""Tests of the fixture server (crawler/demo/server.py): virtual hosts and site.json features."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawler.demo.server import FixtureServer, main, sites_root


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(srv: FixtureServer, site: str | None, path: str = "/", method: str = "GET"):
    """(status, headers, body text) of one request sent to 127.0.0.1 with a Host header."""
    headers = {"Host": f"{site}.localhost:{srv.port}"} if site else {}
    data = b"a=1" if method == "POST" else None
    req = urllib.request.Request(
        f"http://127.0.0.1:{srv.port}{path}", data=data, headers=headers, method=method
    )
    try:
        with _OPENER.open(req, timeout=5) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8", "replace")


def raw_get(srv: FixtureServer, site: str, target: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        conn.putrequest("GET", target, skip_host=True)
        conn.putheader("Host", f"{site}.localhost:{srv.port}")
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sites")
    write(root / "secret.txt", "TOP SECRET")
    write(root / "alpha" / "index.html", "<h1>Alpha home</h1>")
    write(root / "alpha" / "help" / "index.html", "<h1>Alpha help</h1>")
    write(root / "alpha" / "links.html", '<a href="http://beta.localhost:__PORT__/">beta</a>')
    write(root / "alpha" / "assets" / "app.js", "var port = '__PORT__';")
    write(root / "alpha" / "login.html", "<h1>Log in</h1>")
    write(root / "alpha" / "new.html", "<h1>New page</h1>")
    write(root / "alpha" / "slow.html", "<h1>Slow</h1>")
    write(root / "alpha" / "account" / "contact.html", "<p>Call 555</p>")
    write(root / "alpha" / "files" / "app.apk", "PK-not-really")
    write(root / "alpha" / "404.html", "<h1>Alpha lost</h1>")
    write(
        root / "alpha" / "site.json",
        json.dumps(
            {
                "delay_s": {"/slow.html": 0.3},
                "status": {"/broken.html": 500},
                "redirect": {"/old": "/new.html"},
                "login_required": ["/account/contact.html", "/private/"],
                "headers": {"/files/app.apk": {"Content-Disposition": "attachment"}},
            }
        ),
    )
    write(root / "beta" / "index.html", "<h1>Beta home</h1>")
    write(root / "spa" / "index.html", "<div id=app>SPA shell</div>")
    write(root / "spa" / "assets" / "app.js", "route()")
    write(root / "spa" / "site.json", '{"spa_fallback": true}')
    return root


@pytest.fixture(scope="module")
def srv(root: Path):
    with FixtureServer(root).start() as server:
        yield server


def test_ephemeral_port_and_url(srv: FixtureServer) -> None:
    assert srv.port > 0
    assert srv.url("alpha") == f"http://alpha.localhost:{srv.port}/"
    assert srv.url("alpha", "/help/") == f"http://alpha.localhost:{srv.port}/help/"
    assert srv.sites() == ["alpha", "beta", "spa"]


def test_virtual_hosts(srv: FixtureServer) -> None:
    status, headers, body = fetch(srv, "alpha")
    assert status == 200 and "Alpha home" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    status, _, body = fetch(srv, "beta")
    assert status == 200 and "Beta home" in body
    status, _, body = fetch(srv, "gamma")
    assert status == 404 and "Fixture sites" in body
    status, _, body = fetch(srv, None)
    assert status == 404 and "alpha" in body


def test_folder_redirect_and_index(srv: FixtureServer) -> None:
    status, headers, _ = fetch(srv, "alpha", "/help?x=1")
    assert status == 301 and headers["Location"] == "/help/?x=1"
    status, _, body = fetch(srv, "alpha", "/help/")
    assert status == 200 and "Alpha help" in body


def test_not_found_uses_site_404(srv: FixtureServer) -> None:
    status, _, body = fetch(srv, "alpha", "/nope.html")
    assert status == 404 and "Alpha lost" in body
    status, _, _ = fetch(srv, "beta", "/nope")
    assert status == 404
    status, _, _ = fetch(srv, "alpha", "/site.json")
    assert status == 404


def test_spa_fallback(srv: FixtureServer) -> None:
    status, _, body = fetch(srv, "spa", "/support/contact")
    assert status == 200 and "SPA shell" in body
    status, _, body = fetch(srv, "spa", "/assets/app.js")
    assert status == 200 and body == "route()"
    status, _, _ = fetch(srv, "spa", "/assets/missing.js")
    assert status == 404


def test_delay(srv: FixtureServer) -> None:
    start = time.monotonic()
    status, _, body = fetch(srv, "alpha", "/slow.html")
    assert status == 200 and "Slow" in body
    assert time.monotonic() - start >= 0.29
    start = time.monotonic()
    fetch(srv, "alpha", "/new.html")
    assert time.monotonic() - start < 0.25


def test_status_and_redirect(srv: FixtureServer) -> None:
    status, _, _ = fetch(srv, "alpha", "/broken.html")
    assert status == 500
    status, headers, _ = fetch(srv, "alpha", "/old")
    assert status == 302 and headers["Location"] == "/new.html"


def test_login_required(srv: FixtureServer) -> None:
    status, headers, _ = fetch(srv, "alpha", "/account/contact.html")
    assert status == 302
    assert headers["Location"] == "/login.html?next=%2Faccount%2Fcontact.html"
    status, headers, _ = fetch(srv, "alpha", "/private/inbox.html")
    assert status == 302 and headers["Location"].startswith("/login.html?next=")
    status, _, body = fetch(srv, "alpha", "/login.html")
    assert status == 200 and "Log in" in body


def test_post_is_refused_and_recorded(srv: FixtureServer) -> None:
    status, headers, _ = fetch(srv, "alpha", "/contact-form", method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    assert ("POST", "alpha.localhost", "/contact-form") in srv.requests
    assert srv.requests_for("alpha", "POST") == [("POST", "alpha.localhost", "/contact-form")]
    # the connection stays usable after a refused POST with a body
    assert fetch(srv, "alpha")[0] == 200


def test_requests_are_recorded(srv: FixtureServer) -> None:
    fetch(srv, "beta", "/?q=1")
    assert ("GET", "beta.localhost", "/?q=1") in srv.requests


def test_port_placeholder(srv: FixtureServer) -> None:
    _, _, body = fetch(srv, "alpha", "/links.html")
    assert f"http://beta.localhost:{srv.port}/" in body and "__PORT__" not in body
    _, headers, body = fetch(srv, "alpha", "/assets/app.js")
    assert body == f"var port = '{srv.port}';"
    assert headers["Cache-Control"] == "max-age=60"
    assert headers["Content-Type"].startswith("application/javascript")


def test_extra_headers(srv: FixtureServer) -> None:
    status, headers, body = fetch(srv, "alpha", "/files/app.apk")
    assert status == 200 and body == "PK-not-really"
    assert headers["Content-Disposition"] == "attachment"
    assert headers["Content-Type"] == "application/vnd.android.package-archive"


def test_head(srv: FixtureServer) -> None:
    status, headers, body = fetch(srv, "alpha", "/", method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 0


def test_proxy_absolute_form(srv: FixtureServer) -> None:
    proxy = urllib.request.ProxyHandler({"http": f"http://127.0.0.1:{srv.port}"})
    opener = urllib.request.build_opener(proxy)
    with opener.open(f"http://beta.localhost:{srv.port}/", timeout=5) as resp:
        assert resp.status == 200 and "Beta home" in resp.read().decode()
    # the Host header does not matter in proxy form, the URL does
    status, body = raw_get(srv, "alpha", f"http://beta.localhost:{srv.port}/index.html")
    assert status == 200 and "Beta home" in body
    assert ("GET", "beta.localhost", "/index.html") in srv.requests


@pytest.mark.parametrize(
    "target", ["/../secret.txt", "/%2e%2e/secret.txt", "/help/../../secret.txt", "/..%2fsecret.txt"]
)
def test_traversal_refused(srv: FixtureServer, target: str) -> None:
    status, body = raw_get(srv, "alpha", target)
    assert status in (400, 403, 404)
    assert "TOP SECRET" not in body


def test_stop_and_context_manager(root: Path) -> None:
    server = FixtureServer(root, port=0)
    with server.start() as same:
        assert same is server
        port = server.port
        assert fetch(server, "beta")[0] == 200
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    server.stop()  # stopping twice is harmless


def test_missing_root(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        FixtureServer(tmp_path / "nope").start()
    assert main(["--root", str(tmp_path / "nope"), "--port", "0"]) == 1


def test_bundled_sites() -> None:
    root = sites_root()
    sites = [p.name for p in root.iterdir() if p.is_dir()]
    assert len(sites) >= 9
    for site in sites:
        assert (root / site / "index.html").is_file(), site
    with FixtureServer(root).start() as server:
        status, _, body = fetch(server, "directory")
        assert status == 200 and "__PORT__" not in body
        status, _, body = fetch(server, "quill-social", "/community/thread-2.html")
        assert f"http://directory.localhost:{server.port}/" in body
        status, headers, _ = fetch(server, "quill-social", "/contact.html")
        assert status == 302 and headers["Location"].startswith("/login.html?next=")
        status, _, body = fetch(server, "nimbus-telecom", "/support")
        assert status == 200 and "/assets/app.js" in body


def test_demo_truth_matches_config() -> None:
    yaml = pytest.importorskip("yaml")
    repo = Path(__file__).resolve().parents[1]
    truth = yaml.safe_load((sites_root().parent / "truth.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((repo / "configs" / "demo.yaml").read_text(encoding="utf-8"))
    ids = [app["id"] for app in config["apps"]]
    assert sorted(ids) == sorted(truth["sites"])
    for app in config["apps"]:
        assert app["start_url"] == f"http://{app['id']}.localhost:{truth['port']}/"
        assert app["allowed_domains"] == [f"{app['id']}.localhost"]
        assert (sites_root() / app["id"] / "index.html").is_file()
    for site, t in truth["sites"].items():
        human = {
            ch: c for ch, c in t["channels"].items() if ch in ("callback", "live_chat", "phone")
        }
        if t["status"] == "found":
            best = min(c["clicks"] for c in human.values())
            assert t["clicks_to_human"] == best, site
            assert t["human_channel"] == sorted(
                ch for ch, c in human.items() if c["clicks"] == best
            )
            assert len(t["path_to_human"]) == best, site
        else:
            assert not human and t["clicks_to_human"] is None, site


def test_test_sites_are_documented() -> None:
    root = Path(__file__).resolve().parent / "sites"
    readme = (root / "README.md").read_text(encoding="utf-8")
    for site in (p for p in root.iterdir() if p.is_dir()):
        assert (site / "index.html").is_file(), site.name
        assert f"| `{site.name}` |" in readme, site.name
