"""The wave comparison page in a real Chromium: three waves of one questionnaire, the table of
key metrics with their changes, the changed-wording mark, the trend charts and a segment filter
that applies to every wave. Screenshot: docs/screenshots/findings-waves.png."""

import copy
import random
import threading
import uuid

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.extensions import db
from app.findings.waves import start_next_wave
from app.questionnaires import services as questionnaires
from tests import definitions as d
from tests.conftest import make_app
from tests.factories import make_published, make_study, make_user
from tests.web import test_browser as base

pytestmark = pytest.mark.browser

browser = base.browser  # Chromium, launched once per module (test_browser.py)

DEFINITION = d.definition(
    d.page(
        "p1",
        d.nps(title="您有多大可能向朋友或同事推荐我们的 App？"),
        d.rating("stars", title="您对最近一次购物的满意度如何？"),
        d.single_choice("city", title="您所在的城市", choices=[("bj", "北京"), ("sh", "上海")]),
    ),
    title="App 购物体验调查",
)
PER_WAVE = 60


def _answers(rng: random.Random, wave: int) -> dict:
    """NPS and satisfaction rise from wave to wave (the redesign shipped after wave 1)."""
    lift = wave - 1
    nps = min(10, max(0, round(rng.gauss(6.5 + 1.2 * lift, 2.2))))
    stars = min(5, max(1, round(rng.gauss(3.2 + 0.5 * lift, 1.0))))
    return {"nps": nps, "stars": stars, "city": rng.choice(["bj", "sh"])}


@pytest.fixture
def waves_server(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'browser.sqlite3'}", tmp_path / "instance")
    rng = random.Random(21)
    with app.app_context():
        db.create_all()
        owner = make_user("li.lei@example.cn", display_name="李雷")
        study = make_study(owner, title="App 购物体验季度追踪")
        study.min_n = 20
        db.session.commit()
        waves = [make_published(DEFINITION, study=study)]
        for i in (2, 3):
            wave = start_next_wave(waves[-1], owner)
            if i == 2:
                draft = copy.deepcopy(wave.draft)
                draft["pages"][0]["questions"][1]["title"] = "总体来说，您对购物体验满意吗？"
                questionnaires.save_draft(wave, draft, expected_revision=wave.draft_revision)
            questionnaires.publish(wave, owner)
            waves.append(wave)
        ids = (study.id, waves[-1].id, [w.slug for w in waves])
    client = app.test_client()
    for number, slug in enumerate(ids[2], start=1):
        for _ in range(PER_WAVE):
            reply = client.post(
                f"/s/{slug}/submit",
                json={"answers": _answers(rng, number)},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            assert reply.status_code == 201, reply.json
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", ids
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def test_three_waves_compared_with_trends_and_a_filter_on_every_wave(waves_server, browser):
    base_url, (study_id, latest_id, _) = waves_server
    with base.desktop_page(browser, timeout_ms=20_000) as page:
        base.log_in(page, base_url)
        page.goto(f"{base_url}/studies/{study_id}/findings/")
        page.get_by_role("link", name="对比各轮").click()
        page.wait_for_url(f"**/findings/{latest_id}/waves")

        table = page.locator("#wave-table")
        expect(table.locator("thead")).to_contain_text("第 3 轮对比第 2 轮")
        expect(table.locator("tr.wave-metric")).to_have_count(2)  # NPS and CSAT
        expect(table.locator(".wording-changed")).to_have_text("措辞已改")
        expect(table).to_contain_text(f"n = {PER_WAVE}")
        expect(page.locator("#wave-questions")).to_contain_text("在第 2 轮改了措辞")

        charts = page.locator("img.trend-chart")
        expect(charts).to_have_count(2)
        page.wait_for_function(
            "() => [...document.querySelectorAll('img.trend-chart')]"
            ".every(img => img.complete && img.naturalWidth > 0)"
        )

        page.locator("#wave-filters select").first.select_option(label="北京")
        page.get_by_role("button", name="应用到每一轮").click()
        page.wait_for_url("**seg.city=bj**")
        counts = page.locator("#wave-counts").inner_text()
        assert counts.count(f"{PER_WAVE} 份答卷中的") == 3, counts
        assert f"n = {PER_WAVE}" not in table.inner_text()
        page.wait_for_function(
            "() => [...document.querySelectorAll('img.trend-chart')]"
            ".every(img => img.complete && img.naturalWidth > 0)"
        )
        base.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(base.SCREENSHOTS / "findings-waves.png"), full_page=True)
        assert page.errors == []
