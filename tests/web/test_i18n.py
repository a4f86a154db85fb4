from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.extensions import db
from app.models import User
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


def test_chinese_is_the_default_language(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "登录问访" in page


def test_english_browsers_get_english(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.8"}).get_data(
        as_text=True
    )
    assert "Sign in to Wenfang" in page


def test_language_switch_is_remembered_on_the_account(client, auth, ctx):
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    response = client.post("/language/en", query_string={"next": "/studies/"})
    assert response.headers["Location"] == "/studies/"
    assert db.session.scalar(db.select(User.locale)) == "en"
    assert "New study" in client.get("/studies/").get_data(as_text=True)
    client.post("/language/zh_CN")
    assert "新建研究" in client.get("/studies/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/language/xx")
    assert "登录问访" in client.get("/login").get_data(as_text=True)


def test_every_user_facing_string_has_a_chinese_translation():
    """Extract the strings from the source now, so a string missing from the catalogue fails."""
    method_map = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
    in_source = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, keywords=keywords)
    }
    with open(ROOT / "app/translations/zh/LC_MESSAGES/messages.po", "rb") as po_file:
        messages = [m for m in read_po(po_file) if m.id]
    # A plural entry (ngettext) is keyed by its singular; its string is a tuple of forms.
    catalogue = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in messages}
    untranslated = sorted(m for m in in_source if not catalogue.get(m))
    assert not untranslated, f"run `make messages` and translate: {untranslated}"
    guessed = sorted(m.id for m in messages if "fuzzy" in m.flags)
    assert not guessed, f"fuzzy guesses from `pybabel update` are not translations: {guessed}"
    assert len(in_source) > 50


def test_a_problem_is_translated_by_its_code_in_the_readers_language(app):
    """`app.problems` is the web's one translator of domain and engine problems."""
    from analysis.stats.errors import UnknownColumnError
    from app.problems import translate, translate_code

    error = UnknownColumnError(location="年龄")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert translate(error) == "no such column in the response table"
        assert translate_code("xls_missing_column", column="name") == "Column “name” is missing"
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert translate(error) == "响应表中没有这一列"
        assert translate_code("xls_missing_column", column="name") == "缺少“name”列"
