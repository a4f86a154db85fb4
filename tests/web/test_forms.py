"""Every form of the app refuses control characters in its text fields (NUL was a 500 on
PostgreSQL), with the message beside the field and what was typed kept; tab, newline and
carriage return stay allowed."""

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm

import app as app_package
from app.extensions import db
from app.forms import Form
from app.models import Questionnaire, Study
from tests.factories import make_study, make_user

NUL_MESSAGE = "请删除不可见的控制字符 U+0000（本栏第 3 个字符）。"


def test_a_nul_in_a_study_title_is_refused_beside_the_field(client, auth, ctx):
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    reply = client.post(
        "/studies/new", data={"title": "会员\x00研究", "goal": "判断会员权益是否值得续费"}
    )
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert NUL_MESSAGE in page
    assert "判断会员权益是否值得续费" in page
    assert db.session.scalar(db.select(db.func.count(Study.id))) == 0


@pytest.mark.parametrize("character", ["\x1b", "\x7f", "\x85"], ids=["ESC", "DEL", "NEL"])
def test_other_control_characters_in_a_questionnaire_title_are_refused(
    client, auth, ctx, character
):
    owner = make_user("li.lei@example.cn")
    study = make_study(owner)
    auth.login("li.lei@example.cn")
    reply = client.post(
        f"/studies/{study.id}/questionnaires/new",
        data={"title": f"满意{character}度", "template": ""},
    )
    assert reply.status_code == 200
    assert f"U+{ord(character):04X}" in reply.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Questionnaire.id))) == 0


def test_tabs_and_line_breaks_are_kept_in_a_text_area(client, auth, ctx):
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    goal = "第一点\t速度\r\n第二点\t价格"
    reply = client.post("/studies/new", data={"title": "会员研究", "goal": goal})
    assert reply.status_code == 302
    assert db.session.scalar(db.select(Study.goal)) == goal


def test_every_form_of_the_app_is_built_on_the_base_form():
    """The rule lives in one place, app.forms.Form: a new form on FlaskForm would skip it."""
    forms = []
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name.endswith(".forms"):
            loaded = importlib.import_module(module.name)
            forms += [
                (module.name, cls)
                for _, cls in inspect.getmembers(loaded, inspect.isclass)
                if issubclass(cls, FlaskForm) and cls.__module__ == module.name
            ]
    assert len(forms) > 10
    assert [name for name, cls in forms if not issubclass(cls, Form)] == []
