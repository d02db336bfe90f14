"""configs/apps.yaml, the real survey list, and configs/demo.yaml load and validate offline."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.cli import main
from crawler.config import load_config

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "configs" / "apps.yaml"
DEMO = ROOT / "configs" / "demo.yaml"


@pytest.fixture(scope="module")
def survey():
    return load_config(APPS)


def test_demo_config_loads():
    config = load_config(DEMO)
    assert len(config.apps) >= 8


def test_survey_list_size_and_ids(survey):
    assert len(survey.apps) >= 40
    ids = [app.id for app in survey.apps]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


def test_start_urls_inside_allowed_domains(survey):
    for app in survey.apps:
        host = urlsplit(app.start_url).hostname
        assert app.start_url.startswith("https://"), app.id
        assert any(host == d or host.endswith("." + d) for d in app.allowed_domains), app.id
        assert app.is_allowed(app.start_url), app.id


def test_survey_fields(survey):
    for app in survey.apps:
        assert app.device == "mobile", app.id
        assert app.locale, app.id
        assert app.name.strip(), app.id
    # Chinese apps carry their native names
    names = {app.id: app.name for app in survey.apps}
    assert names["air-china"] == "中国国际航空"
    settings = survey.settings
    assert settings.obey_robots is True
    assert settings.download_delay_s >= 1.0
    assert settings.user_agent_suffix and "reachability-survey" in settings.user_agent_suffix


def test_categories_cover_the_investigation(survey):
    categories = {app.category for app in survey.apps}
    needed = {"airline", "bank", "telecom", "ticketing", "ecommerce", "messaging", "food_delivery", "ride_hailing"}
    assert needed <= categories, needed - categories


def test_three_chinese_carriers(survey):
    carriers = {app.id for app in survey.apps if app.category == "telecom" and app.region == "CN"}
    assert {"china-mobile", "china-unicom", "china-telecom"} <= carriers
    domains = {d for app in survey.apps if app.id in carriers for d in app.allowed_domains}
    assert {"10086.cn", "10010.com", "189.cn"} <= domains


def test_header_warns_urls_are_unverified():
    text = APPS.read_text(encoding="utf-8")
    header = text.split("\napps:", 1)[0]
    assert "WITHOUT" in header and "NETWORK ACCESS" in header
    assert "# verify:" in text


def test_check_config_command(capsys):
    assert main(["check-config", str(APPS)]) == 0
    assert "OK" in capsys.readouterr().out
