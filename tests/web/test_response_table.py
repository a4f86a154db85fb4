"""The response table built from stored blocks (`app.responses.cache.table_blocks`) is the
table of the answers themselves: the same frame as one built response by response from the
database, after blocks are sealed, read back, made stale by a deletion or by a partial that
completes late, and across versions whose columns differ."""

import copy
import csv
import io
import random
from itertools import pairwise

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from app.extensions import db
from app.models import Response, ResponseStatus, ResponseTableBlock
from app.questionnaires import services as questionnaires
from app.responses import cache, counts, listing
from app.results import services as results
from app.results.table import definitions_newest_first, flatten_rows, response_frame
from surveys.response_table import META_COLUMNS, flatten_answers, table_columns
from tests.definitions import ALL_TYPES, FULL_ANSWERS
from tests.factories import make_published
from tests.web.test_results import submit

BLOCK = 4  # responses per stored block in these tests


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(cache, "TABLE_BLOCK_SIZE", BLOCK)


def varied_answers(rng: random.Random) -> dict:
    """FULL_ANSWERS with some questions skipped and some values changed."""
    answers = copy.deepcopy(FULL_ANSWERS)
    for optional in ("channels", "city", "grid", "name", "rank", "feature", "born"):
        if rng.random() < 0.3:
            answers.pop(optional)
    answers["stars"] = rng.randint(1, 5)
    answers["nps"] = rng.randint(0, 10)
    answers["age"] = rng.randint(18, 70)
    answers["region"] = rng.choice(["north", "south", "other"])
    if answers["region"] != "other":
        answers.pop("region/other_text")
    if "grid" in answers:
        answers["grid"] = {"speed": str(rng.randint(1, 5)), "taste": str(rng.randint(1, 5))}
    return answers


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def reference_frame(questionnaire, version=None) -> pd.DataFrame:
    """The table built the plain way: every complete response flattened on its own."""
    definitions = definitions_newest_first(questionnaire)
    wanted = [v.id for v in questionnaire.versions if version in (None, v.number)]
    names = table_columns(definitions[vid] for vid in definitions if vid in wanted)
    rows = db.session.scalars(
        db.select(Response)
        .where(
            Response.questionnaire_id == questionnaire.id,
            Response.status == ResponseStatus.COMPLETE,
            Response.version_id.in_(wanted),
        )
        .order_by(Response.id)
    ).all()
    records = [
        {
            "response_id": row.id,
            "submitted_at": row.submitted_at.isoformat(),
            "duration_s": row.duration_s,
            **flatten_answers(definitions[row.version_id], row.answers),
        }
        for row in rows
    ]
    if not records:
        return pd.DataFrame(columns=names)
    return pd.DataFrame.from_records(records, columns=names)


def stored_blocks(questionnaire) -> list[tuple[int, int, int]]:
    return db.session.execute(
        db.select(
            ResponseTableBlock.first_response_id,
            ResponseTableBlock.last_response_id,
            ResponseTableBlock.row_count,
        )
        .where(ResponseTableBlock.questionnaire_id == questionnaire.id)
        .order_by(ResponseTableBlock.first_response_id)
    ).all()


@pytest.fixture
def survey(ctx):
    return make_published(ALL_TYPES)


def test_the_table_read_from_stored_blocks_equals_the_answers_flattened_one_by_one(client, survey):
    rng = random.Random(7)
    ids = [submit(client, survey.slug, varied_answers(rng)) for _ in range(11)]

    first = response_frame(survey)
    assert_frame_equal(first, reference_frame(survey), check_exact=True)
    # Two full blocks were sealed; the last three responses are flattened on each read.
    assert stored_blocks(survey) == [(1, ids[3], BLOCK), (ids[3] + 1, ids[7], BLOCK)]
    built = db.session.scalars(db.select(ResponseTableBlock.built_at)).all()

    db.session.expire_all()
    assert_frame_equal(response_frame(survey), first, check_exact=True)
    # Read back, not rebuilt.
    assert db.session.scalars(db.select(ResponseTableBlock.built_at)).all() == built


def test_versions_with_different_questions_are_mapped_by_question_id(client, survey):
    rng = random.Random(3)
    v1_ids = [submit(client, survey.slug, varied_answers(rng)) for _ in range(5)]
    changed = copy.deepcopy(ALL_TYPES)
    questions = changed["pages"][1]["questions"]
    questions[:] = [q for q in questions if q["id"] != "age"]  # dropped in version 2
    level = next(q for q in questions if q["id"] == "level")
    level.clear()  # same id, now free text: the column holds numbers and words
    level.update({"id": "level", "type": "short_text", "title": "满意程度"})
    questions.append({"id": "wish", "type": "short_text", "title": "还希望有什么"})
    questionnaires.save_draft(survey, changed, expected_revision=survey.draft_revision)
    questionnaires.publish(survey, survey.study.created_by)
    for _ in range(6):
        answers = varied_answers(rng)
        answers.pop("age")
        answers.update(level="还可以", wish="夜宵")
        submit(client, survey.slug, answers)

    both = response_frame(survey)
    assert_frame_equal(both, reference_frame(survey), check_exact=True)
    assert both["level"].tolist()[:5] == [7] * 5 and both["level"].tolist()[5:] == ["还可以"] * 6
    assert both["age"].isna().tolist() == [False] * 5 + [True] * 6

    only_v1 = response_frame(survey, version=1)
    assert_frame_equal(only_v1, reference_frame(survey, version=1), check_exact=True)
    assert only_v1["response_id"].tolist() == v1_ids and "wish" not in only_v1
    assert_frame_equal(
        response_frame(survey, version=2), reference_frame(survey, version=2), check_exact=True
    )


def test_one_version_can_be_downloaded_and_exported_on_its_own(
    client, auth, runner, survey, tmp_path
):
    rng = random.Random(19)
    v1_ids = [submit(client, survey.slug, varied_answers(rng)) for _ in range(3)]
    changed = copy.deepcopy(ALL_TYPES)
    changed["pages"][1]["questions"].append({"id": "wish", "type": "short_text", "title": "愿望"})
    questionnaires.save_draft(survey, changed, expected_revision=survey.draft_revision)
    questionnaires.publish(survey, survey.study.created_by)
    v2_id = submit(client, survey.slug, {**varied_answers(rng), "wish": "夜宵"})
    auth.login("viewer@example.cn")
    base = f"/studies/{survey.study_id}/questionnaires/{survey.id}/results"

    page = client.get(f"{base}/responses?version=1").get_data(as_text=True)
    assert "responses.csv?version=1" in page and "下载第 1 版的完整答卷" in page
    first = client.get(f"{base}/responses.csv?version=1&labels=1")
    assert first.status_code == 200 and "-v1.csv" in first.headers["Content-Disposition"]
    header, labels, *rows = csv_rows(first.data)
    assert "wish" not in header and "愿望" not in labels
    assert [int(row[0]) for row in rows] == v1_ids
    second = csv_rows(client.get(f"{base}/responses.csv?version=2").data)
    assert "wish" in second[0] and [row[0] for row in second[1:]] == [str(v2_id)]
    assert client.get(f"{base}/responses.csv?version=3").status_code == 404

    out = tmp_path / "v2.csv"
    done = runner.invoke(args=["responses", "export", survey.slug, "--out", out, "--version", 2])
    assert done.exit_code == 0, done.output
    assert csv_rows(out.read_bytes()) == second
    missing = runner.invoke(args=["responses", "export", survey.slug, "--out", out, "--version", 9])
    assert missing.exit_code == 1 and "no version 9" in missing.output


def test_a_deleted_response_leaves_no_copy_in_the_blocks(client, survey):
    rng = random.Random(5)
    ids = [submit(client, survey.slug, varied_answers(rng)) for _ in range(8)]
    response_frame(survey)
    assert len(stored_blocks(survey)) == 2

    assert results.delete_response(survey, ids[1])
    # In the deletion's own transaction, the block that held it lost its copy.
    payload = db.session.scalar(
        db.select(ResponseTableBlock.payload).where(ResponseTableBlock.first_response_id == 1)
    )
    assert payload == b""

    db.session.expire_all()
    after = response_frame(survey)
    assert ids[1] not in after["response_id"].tolist() and len(after) == 7
    assert_frame_equal(after, reference_frame(survey), check_exact=True)
    assert stored_blocks(survey) == [(1, ids[3], BLOCK - 1), (ids[3] + 1, ids[7], BLOCK)]


def test_a_partial_completed_after_its_block_was_sealed_is_in_the_table(client, survey):
    saved = client.post(
        f"/s/{survey.slug}/progress", json={"answers": {"region": "north"}, "page": "p1"}
    )
    assert saved.status_code == 200
    partial_id = db.session.scalar(db.select(Response.id))
    rng = random.Random(11)
    others = client.application.test_client()  # another browser: the partial is not theirs
    ids = [submit(others, survey.slug, varied_answers(rng)) for _ in range(BLOCK)]
    assert partial_id < ids[0]
    assert len(response_frame(survey)) == 4
    assert stored_blocks(survey) == [(1, ids[3], BLOCK)]  # its range holds the partial's id

    completed = submit(client, survey.slug, {**FULL_ANSWERS, "region": "north"})  # resumes
    assert completed == partial_id
    db.session.expire_all()
    table = response_frame(survey)
    assert table["response_id"].tolist() == [partial_id, *ids]
    assert_frame_equal(table, reference_frame(survey), check_exact=True)
    assert stored_blocks(survey) == [(1, ids[3], BLOCK + 1)]


def test_readers_racing_to_seal_blocks_never_store_overlapping_ones(client, survey):
    rng = random.Random(13)
    for _ in range(3 * BLOCK):
        submit(client, survey.slug, varied_answers(rng))
    definitions = definitions_newest_first(survey)

    def flatten(rows):
        return flatten_rows(definitions, rows)

    slow_reader = cache.table_blocks(survey, flatten)
    next(slow_reader)  # sealed the first block, then paused
    response_frame(survey)  # another reader seals the other two meanwhile
    rest = list(slow_reader)  # its second block is refused; it seals nothing more

    assert sum(block.length for block in rest) == 2 * BLOCK
    ranges = stored_blocks(survey)
    assert len(ranges) == 3
    assert all(a[1] < b[0] for a, b in pairwise(ranges))
    assert_frame_equal(response_frame(survey), reference_frame(survey), check_exact=True)


def test_a_table_read_inside_a_write_transaction_does_not_wait_for_its_own_lock(client, survey):
    rng = random.Random(17)
    ids = [submit(client, survey.slug, varied_answers(rng)) for _ in range(BLOCK + 1)]
    listing.delete_response(survey, ids[0])  # flushed, not committed: a write is open
    table = response_frame(survey)
    assert table["response_id"].tolist() == ids[1:]
    db.session.rollback()
    assert response_frame(survey)["response_id"].tolist() == ids


def test_an_empty_questionnaire_gives_the_columns_and_no_rows(survey):
    table = response_frame(survey)
    assert table.empty and tuple(table.columns[:3]) == META_COLUMNS
    assert list(table.columns) == table_columns([survey.latest_version.definition])


def test_the_results_fingerprint_follows_complete_responses_only(client, survey):
    """The chart cache key: a new submit, a late completion and a deletion change it; a
    respondent saving a page of a partial does not (the results would not change)."""
    seen = [counts.fingerprint(survey)]

    def changed() -> bool:
        db.session.expire_all()
        seen.append(counts.fingerprint(survey))
        return seen[-1] != seen[-2]

    first = submit(client, survey.slug, FULL_ANSWERS)
    assert changed()
    resuming = client.application.test_client()
    page = {"answers": {"region": "north"}, "page": "p1"}
    assert resuming.post(f"/s/{survey.slug}/progress", json=page).status_code == 200
    assert not changed()
    assert resuming.post(f"/s/{survey.slug}/progress", json=page).status_code == 200
    assert not changed()
    submit(resuming, survey.slug, {**FULL_ANSWERS, "region": "north"})  # completes the partial
    assert changed()
    assert results.delete_response(survey, first)
    assert changed()
    assert len(set(seen)) == 4
