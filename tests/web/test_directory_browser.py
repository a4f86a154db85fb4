"""The participant directory in a real Chromium (issue 28.1): a CSV with one bad row is
uploaded, the dry run shows the row, the fixed file is imported; the same person is then added
by hand with their phone written another way, the cleaning page shows the pair, and they are
merged. Saves docs/screenshots/directory-dry-run.png, directory-list.png,
directory-cleaning.png and directory-record.png."""

import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.models import OrganisationRole, Participant
from tests.conftest import make_app
from tests.factories import make_organisation, make_user
from tests.web.test_browser import SCREENSHOTS, browser, desktop_page, log_in  # noqa: F401

pytestmark = pytest.mark.browser

HEADER = "姓名,手机号码,邮箱,性别,城市,城市等级,标签\n"
ROWS = [
    "张伟,138 1234 5678,zhang.wei@example.cn,男,北京,一线,高频用户\n",
    "李娜,{phone},,女,成都,新一线,宝妈\n",
    "王芳,0086 137-2222-3333,wang.fang@example.cn,女,杭州,新一线,宝妈；新客\n",
]


def _file(phone: str) -> dict:
    text = HEADER + "".join(ROWS).replace("{phone}", phone)
    return {"name": "参与者名单.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}


@pytest.fixture
def directory_server(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'directory.sqlite3'}", tmp_path / "instance")
    with app.app_context():
        db.create_all()
        owner = make_user("li.lei@example.cn", display_name="李雷")
        organisation = make_organisation(
            make_user(), members={owner: OrganisationRole.RESEARCHER}, name="用户研究中心"
        )
        organisation_id = organisation.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}", organisation_id
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def test_import_dry_run_fix_import_then_clean_a_duplicate(directory_server, browser):  # noqa: F811
    app, base_url, organisation_id = directory_server
    directory = f"{base_url}/organisations/{organisation_id}/directory"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with desktop_page(browser) as page:
        log_in(page, base_url)
        page.goto(directory + "/import")
        page.get_by_label("CSV 或 XLSX 文件").set_input_files(_file("139 0000 111"))
        page.get_by_role("button", name="上传").click()
        page.get_by_label("手机号码").wait_for()
        assert page.get_by_label("手机号码").input_value() == "phone"  # guessed from the header
        page.get_by_role("button", name="检查（试运行）").click()
        problems = page.locator("#problems tbody tr")
        problems.first.wait_for()
        assert problems.count() == 1
        assert problems.first.inner_text().split("\t")[:3] == ["3", "手机号码", "139 0000 111"]
        assert "手机号为 11 位数字" in problems.first.inner_text()
        assert page.get_by_role("button", name="导入", exact=True).count() == 0
        page.screenshot(path=str(SCREENSHOTS / "directory-dry-run.png"), full_page=True)

        page.get_by_role("link", name="上传其他文件").click()
        page.get_by_label("CSV 或 XLSX 文件").set_input_files(_file("139-0000-1111"))
        page.get_by_role("button", name="上传").click()
        page.get_by_role("button", name="检查（试运行）").click()
        page.get_by_text("3 行均无问题").wait_for()
        page.get_by_role("button", name="导入", exact=True).click()
        page.get_by_text("新增 3 条记录").wait_for()
        assert page.locator("#participants tbody tr").count() == 3
        assert "138****5678" in page.locator("#participants").inner_text()
        assert "13812345678" not in page.content()

        # the same person again, by hand, the phone written the international way
        page.get_by_role("link", name="添加记录").click()
        page.get_by_label("姓名").fill("张 伟")
        page.get_by_label("电话").fill("+86 138-1234-5678")
        page.get_by_label("城市", exact=True).fill("北京")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("记录已添加").wait_for()
        page.goto(directory + "/")
        page.screenshot(path=str(SCREENSHOTS / "directory-list.png"), full_page=True)

        page.get_by_role("link", name="数据清洗").click()
        group = page.locator(".duplicate-group")
        group.first.wait_for()
        assert group.count() == 1
        assert group.first.locator("tbody tr, tr:has(input[type=radio])").count() >= 2
        assert group.first.inner_text().count("138****5678") == 2
        page.screenshot(path=str(SCREENSHOTS / "directory-cleaning.png"), full_page=True)
        group.first.get_by_role("button", name="合并到选中的记录").click()
        page.get_by_text("已将 1 条记录合并到记录").wait_for()
        page.get_by_text("没有发现重复记录").wait_for()

        page.goto(directory + "/")
        assert page.locator("#participants tbody tr").count() == 3
        page.locator("#participants tbody tr").last.get_by_role("link").click()  # the oldest
        page.get_by_text("合并到这条记录的记录").wait_for()
        page.get_by_role("button", name="显示个人信息（将记入审计日志）").click()
        page.get_by_text("138 1234 5678").wait_for()
        page.screenshot(path=str(SCREENSHOTS / "directory-record.png"), full_page=True)
        # the dry run with a bad row answers 422 (nothing can be imported): nothing else
        assert [e for e in page.errors if "status of 422" not in e] == []
    with app.app_context():
        merged = db.session.scalars(
            db.select(Participant).where(Participant.merged_into_id.is_not(None))
        ).all()
        assert [record.name for record in merged] == ["张 伟"]
