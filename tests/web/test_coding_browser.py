"""The coding workspace in a real browser: upload, preview, select a span, code it, quote it.

The span sits after an emoji and 𠮷 (two UTF-16 units, one code point each), so a wrong
offset conversion in coding.js would be refused by the server's snippet check or show a
shifted quote.
"""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.conftest import make_app
from tests.factories import make_code, make_study, make_user
from tests.web import test_browser as base
from tests.web.test_browser import SCREENSHOTS, browser  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

TRANSCRIPT = Path(__file__).resolve().parents[1] / "data" / "interviews" / "focus_group_4.txt"


@pytest.fixture
def coding_server(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'coding.sqlite3'}", tmp_path / "instance")
    with app.app_context():
        db.create_all()
        owner = make_user("li.lei@example.cn", display_name="李雷")
        study = make_study(owner, title="买菜 App 体验研究", methods=["interview", "focus_group"])
        make_code(study, "售后体验", description="退款、换货、客服")
        make_code(study, "正面评价")
        make_code(study, "老年用户")
        study_id = study.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", study_id
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


SELECT_JS = """(needle) => {
  const holder = [...document.querySelectorAll('.turn-text')]
    .find((el) => el.textContent.includes(needle));
  const node = holder.firstChild;
  const at = node.textContent.indexOf(needle);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + needle.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def test_upload_code_a_span_and_see_it_in_the_quotes(coding_server, browser):  # noqa: F811
    base_url, study_id = coding_server
    with base.desktop_page(browser, timeout_ms=30_000) as page:
        upload_code_and_quote(page, base_url, study_id)


def upload_code_and_quote(page, base_url, study_id):
    base.log_in(page, base_url)

    page.goto(f"{base_url}/studies/{study_id}/interviews/")
    page.get_by_label("访谈记录文件").set_input_files(str(TRANSCRIPT))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/preview")
    assert page.locator("#speakers tbody tr").count() == 4
    assert "4 位说话人" in page.locator("#import-summary").inner_text()
    page.get_by_role("button", name="保存访谈记录").click()
    page.wait_for_selector("#transcript[data-ready='1']")

    # The edge conversion itself: "𠮷a😀b" is 4 code points, 6 UTF-16 units.
    converted = page.evaluate(
        """async () => {
          const m = await import('/static/js/coding/offsets.js');
          const s = '𠮷a😀b';
          return [m.utf16ToCodePoint(s, 3), m.codePointToUtf16(s, 3), m.utf16ToCodePoint(s, 1),
                  m.utf16ToCodePoint(s, 1, true), m.sliceCodePoints(s, 1, 3)];
        }"""
    )
    assert converted == [2, 5, 0, 1, "a😀"]

    page.evaluate(SELECT_JS, "这点很满意")
    page.wait_for_selector("#selection-preview q.selected-text")
    assert page.locator("#selection-preview q").inner_text() == "这点很满意"
    page.get_by_label("售后体验").check()
    page.get_by_label("正面评价").check()
    page.get_by_role("button", name="应用编码").click()
    mark = page.locator("mark.hl", has_text="这点很满意")
    mark.wait_for()
    assert "hl-multi" in mark.get_attribute("class")  # two codes on one span
    assert page.locator("#highlight-list li").count() == 2

    page.evaluate(SELECT_JS, "𠮷野家")
    page.wait_for_selector("#selection-preview q.selected-text:has-text('𠮷野家')")
    page.get_by_label("售后体验").uncheck()
    page.get_by_label("正面评价").uncheck()
    page.get_by_label("老年用户").check()
    page.get_by_label("备忘").fill("顺路去𠮷野家")
    page.get_by_role("button", name="应用编码").click()
    page.locator("mark.hl", has_text="𠮷野家").wait_for()
    assert page.locator("#highlight-list .highlight-memo").inner_text() == "顺路去𠮷野家"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "coding.png"), full_page=True)

    page.locator("#highlight-list a", has_text="售后体验").click()
    page.wait_for_url("**/quotes")
    quote = page.locator("#quotes .quote").first
    assert quote.locator("blockquote").inner_text() == "“这点很满意”"
    assert "王女士" in quote.inner_text()
    quote.get_by_role("link", name="focus_group_4").click()
    page.wait_for_selector("#transcript[data-ready='1']")
    assert "#turn-" in page.url
    assert page.errors == []
