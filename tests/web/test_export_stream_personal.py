"""The streamed exports keep what the whole-table reference does for personal answers and
directory segments: the flagged questions' columns masked (or revealed when asked), in the
same place and cells, over many small blocks with unfinished responses between them; and only
the responses linked to a segment's members (issue 24.1 with 28.2–28.3)."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Response, Segment
from app.responses import cache, submission
from app.responses.drafts import save_partial
from app.results.export_jobs import ExportSpec, write_export
from app.results.export_table import ExportFilters
from tests import definitions as d
from tests.factories import make_organisation, make_participant, make_published
from tests.web.test_export_stream import MODES, assert_same_export

SURVEY = d.definition(
    d.short_text("phone", "方便回访的手机号", privacy="personal"),
    d.number("age", "您的年龄", privacy="sensitive"),
    d.single_choice("city", "所在城市", [("t1", "一线城市"), ("t2", "二线城市")]),
    d.long_text("why", "您对我们有什么建议？"),
    title="社区团购回访调查",
)
TIERS = ["一线", "二线", "一线", "三线"]


@pytest.fixture
def study(ctx, monkeypatch):
    """13 complete responses in blocks of 4, some with a phone and an age, some without,
    unfinished responses between them; every other response linked to a directory record."""
    monkeypatch.setattr(cache, "TABLE_BLOCK_SIZE", 4)
    questionnaire = make_published(SURVEY)
    organisation = make_organisation()
    questionnaire.study.organisation_id = organisation.id
    people = [make_participant(organisation, name=f"受访者{i}", city_tier=TIERS[i % 4])
              for i in range(13)]  # fmt: skip
    version = questionnaire.latest_version
    for i in range(13):
        answers = {"city": "t1" if i % 3 else "t2", "why": f"希望团长准时{i}"}
        if i % 4 != 3:  # no phone, no age in every fourth: a block of none at all
            answers |= {"phone": f"1381234{i:04d}", "age": 20 + i}
        if i in (8, 9, 10, 11):
            answers = {"city": "t2", "why": "还行"}
        rid = submission.submit(version, f"personal-{i}", answers, secret="s").response_id
        if i % 2 == 0:
            db.session.execute(
                sa.update(Response).where(Response.id == rid).values(participant_id=people[i].id)
            )
        if i % 5 == 1:
            save_partial(version, None, {"phone": "13900009999", "why": "还没写完"},
                         page_id="p1", invitation_hash=None, consent=None)  # fmt: skip
    db.session.commit()
    rule = {"kind": "attribute", "field": "city_tier", "op": "equals", "values": ["一线"]}
    segment = Segment(organisation_id=organisation.id, name="一线", rules={"rules": [rule]})
    db.session.add(segment)
    db.session.commit()
    return questionnaire, segment


@pytest.mark.parametrize("reveal", [False, True], ids=["masked", "revealed"])
@pytest.mark.parametrize("partial", [False, True], ids=["complete", "with partials"])
def test_personal_columns_stream_as_the_whole_table_writes_them(study, tmp_path, reveal, partial):
    questionnaire, _segment = study
    filters = ExportFilters(include_partial=partial, reveal_personal=reveal)
    for fmt, label_row, label_cells in MODES:
        if fmt == "sav":
            continue  # a masked number is text: the SPSS file of personal answers below
        folder = tmp_path / f"{fmt}-{label_row}-{label_cells}"
        folder.mkdir()
        spec = ExportSpec(format=fmt, label_row=label_row, label_cells=label_cells,
                          filters=filters)  # fmt: skip
        assert_same_export(questionnaire, spec, folder)
    text = (tmp_path / "csv-False-False" / "streamed.csv").read_text(encoding="utf-8-sig")
    assert ("13812340000" in text) is reveal and ("***" in text) is not reveal
    assert "希望团长准时0" in text


def test_a_directory_segment_streams_only_its_linked_responses(study, tmp_path):
    questionnaire, segment = study
    filters = ExportFilters(participant_segment=segment.id, include_partial=True)
    for fmt, label_row, label_cells in MODES:
        folder = tmp_path / f"{fmt}-{label_row}-{label_cells}"
        folder.mkdir()
        spec = ExportSpec(format=fmt, label_row=label_row, label_cells=label_cells,
                          filters=filters)  # fmt: skip
        count = assert_same_export(questionnaire, spec, folder)
        assert count == 7  # the even responses: each linked to a 一线 record (of 13)
    dated = ExportFilters(participant_segment=segment.id, submitted_from=date(2030, 1, 1))
    out = tmp_path / "none.csv"
    assert write_export(questionnaire, ExportSpec(format="csv", filters=dated), out,
                        locale="zh_CN", zone="Asia/Shanghai")[0] == 0  # fmt: skip
