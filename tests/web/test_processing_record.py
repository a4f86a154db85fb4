"""The per-study record of processing (issue 28.6): what is collected with each question's
privacy flag, why, how long, who sees what (product managers no respondent data), where it
is stored and who receives it; a page of the study and a Markdown/HTML download, zh and en."""

from app.accounts import services as accounts
from app.extensions import db
from app.models import Role
from app.webhooks import addresses, endpoints
from tests import definitions as d
from tests.factories import make_published, make_study, make_user

SURVEY = d.definition(
    d.question("phone", "short_text", "您的手机号", privacy="personal"),
    d.question("health", "long_text", "您的慢性病情况", privacy="sensitive"),
    d.single_choice("city", "您所在的城市", [("km", "昆明"), ("cd", "成都")]),
    title="社区健康调查",
    settings={"consent": {"required": True, "purpose": "了解社区居民的就医需求"}},
)
LOOPBACK = addresses.AddressPolicy(allow_http=True, allow_private_networks=True)


def _study():
    owner, manager = make_user("owner@example.cn"), make_user("pm@example.cn")
    study = make_study(owner, members={manager: Role.PRODUCT_MANAGER}, goal="找出就医难点")
    study.retention_days = 180
    db.session.commit()
    make_published(SURVEY, study=study)
    return study


def test_the_record_lists_what_why_how_long_and_who(client, auth, ctx):
    study = _study()
    auth.login("owner@example.cn")
    page = client.get(f"/studies/{study.id}/privacy/record").get_data(as_text=True)
    assert "处理活动记录" in page
    assert "您的手机号" in page and "敏感个人信息（个保法第 28 条）" in page
    assert "了解社区居民的就医需求" in page and "找出就医难点" in page
    assert "180 天" in page
    assert "pm@example.cn: 产品经理, 只看研究发现，看不到单个受访者的数据" in page
    assert "没有跨境传输" in page


def test_webhook_receivers_are_listed_as_recipients(client, auth, ctx):
    study = _study()
    endpoints.create_endpoint(
        study, study.created_by, url="http://127.0.0.1:9/hook", description="",
        event_types=["response.completed"], policy=LOOPBACK,
    )  # fmt: skip
    auth.login("owner@example.cn")
    text = client.get(f"/studies/{study.id}/privacy/record.md").get_data(as_text=True)
    assert "- 127.0.0.1" in text
    assert "没有跨境传输" not in text


def test_the_download_is_markdown_or_html_in_the_readers_language(client, auth, ctx):
    study = _study()
    accounts.set_locale(db.session.get(type(study.created_by), study.created_by_id), "en")
    db.session.commit()
    auth.login("owner@example.cn")
    reply = client.get(f"/studies/{study.id}/privacy/record.md")
    assert reply.mimetype == "text/markdown"
    text = reply.get_data(as_text=True)
    assert text.startswith("# Record of processing: ")
    assert "| phone 您的手机号 | short_text | personal |" in text
    assert "sensitive (PIPL art. 28)" in text
    html = client.get(f"/studies/{study.id}/privacy/record.html")
    assert html.mimetype == "text/html" and "<h1>Record of processing" in html.get_data(True)


def test_a_non_member_gets_404(client, auth, ctx):
    study = _study()
    make_user("outsider@example.cn")
    auth.login("outsider@example.cn")
    assert client.get(f"/studies/{study.id}/privacy/record").status_code == 404
    assert client.get(f"/studies/{study.id}/privacy/record.md").status_code == 404
