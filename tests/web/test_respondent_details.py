"""What the respondent's page shows of a definition (issue 27.7): never the researcher's
notes, and the end labels of a rating (the question's own, else the defaults)."""

import json
import re

from app.questionnaires import services as questionnaires
from tests.factories import make_published, make_study, make_user

NOTES = "NPS = 推荐者占比 − 贬损者占比"


def test_template_notes_are_never_sent_to_the_respondent(client, ctx):
    owner = make_user()
    questionnaire = questionnaires.create_from_template(make_study(owner), owner, "nps")
    assert NOTES in questionnaire.draft["notes"]
    questionnaires.publish(questionnaire, owner)
    page = client.get(f"/s/{questionnaire.slug}").get_data(as_text=True)
    config = json.loads(re.search(r'id="respond-config">(.*?)</script>', page, re.S).group(1))
    assert "notes" not in config["definition"]
    assert NOTES not in page
    assert "推荐" in page  # the questions themselves are there


def test_rating_end_labels_come_from_the_question_or_default(client, ctx):
    questionnaire = make_published({
        "schema_version": 1,
        "title": "满意度",
        "pages": [{"id": "p1", "questions": [
            {"id": "a", "type": "rating", "title": "配送", "style": "stars"},
            {"id": "b", "type": "rating", "title": "口味",
             "min_label": "很难吃", "max_label": "很好吃"},
        ]}],
    })  # fmt: skip
    page = client.get(f"/s/{questionnaire.slug}").get_data(as_text=True)
    ends = re.findall(r'class="scale-ends[^"]*"[^>]*><span>(.*?)</span><span>(.*?)</span>', page)
    assert ends == [("很不满意", "很满意"), ("很难吃", "很好吃")]
