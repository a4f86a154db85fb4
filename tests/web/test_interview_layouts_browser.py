"""The transcript preview in a real browser: a Word file's header lines shown apart, two
things taken for speakers corrected, the transcript saved with its header (issue 25)."""

import pytest

from tests.web import test_browser as base
from tests.web.test_browser import SCREENSHOTS, browser  # noqa: F401 - fixture
from tests.web.test_coding_browser import coding_server  # noqa: F401 - fixture
from tests.web.test_interview_layouts import _word

pytestmark = pytest.mark.browser


def test_preview_shows_the_header_and_corrects_the_speakers(coding_server, browser, tmp_path):  # noqa: F811
    base_url, study_id = coding_server
    path = tmp_path / "关师傅口述.docx"
    path.write_bytes(_word())
    with base.desktop_page(browser, timeout_ms=30_000) as page:
        base.log_in(page, base_url)
        page.goto(f"{base_url}/studies/{study_id}/interviews/")
        page.get_by_label("访谈记录文件").set_input_files(str(path))
        page.get_by_role("button", name="上传并预览").click()
        page.wait_for_url("**/preview")
        assert "国企改制；下岗再就业" in page.locator("#source-header").inner_text()
        assert page.locator("#speakers tbody tr").count() == 4
        assert page.get_by_label("日期").input_value() == "2023-10-14"

        row = page.locator("#speakers tbody tr", has_text="王主任")
        row.locator("select").select_option("text")
        page.locator("#speakers tbody tr", has_text="补记").locator("select").select_option(
            "header"
        )
        page.get_by_role("button", name="更新预览").click()
        page.wait_for_selector("#not-speakers")
        assert page.locator("#speakers tbody tr").count() == 2
        assert "受访者的老伴在一旁补充了几句。" in page.locator("#source-header").inner_text()
        turn = page.locator(".preview-turns li", has_text="开大会讲").inner_text()
        assert "王主任：签了字就跟厂里没关系了" in turn
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "interview_preview.png"), full_page=True)

        page.locator("#speakers tbody tr", has_text="关先生").locator("input[name^=rename]").fill(
            "R01"
        )
        page.locator("#speakers tbody tr", has_text="访谈者").locator(
            "input[type=checkbox]"
        ).check()
        page.get_by_role("button", name="保存访谈记录").click()
        page.wait_for_selector("#transcript")
        assert "原机床厂钳工" in page.locator("#source-header").inner_text()
        assert page.locator("#transcript .speaker", has_text="R01").count() == 2
        assert page.locator("#transcript .turn-interviewer").count() == 2
        page.screenshot(path=str(SCREENSHOTS / "interview_header.png"), full_page=True)
