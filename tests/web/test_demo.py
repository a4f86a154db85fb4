"""`flask demo seed`: the demo study holds coded interviews as well as responses, once."""

from app.demo import DEMO_STUDY_TITLE
from app.demo_interviews import CODEBOOK, HIGHLIGHTS, TRANSCRIPTS
from app.extensions import db
from app.interviews import reports
from app.interviews import services as interviews
from app.models import Code, Highlight, ImportStatus, Interview, Study, Turn


def _counts():
    return {
        "interviews": db.session.scalar(db.select(db.func.count(Interview.id))),
        "turns": db.session.scalar(db.select(db.func.count(Turn.id))),
        "codes": db.session.scalar(db.select(db.func.count(Code.id))),
        "highlights": db.session.scalar(db.select(db.func.count(Highlight.id))),
    }


def _seed(runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output


def test_the_demo_study_holds_two_coded_interviews_and_a_second_seed_adds_nothing(runner, ctx):
    _seed(runner)
    study = db.session.scalar(db.select(Study).where(Study.title == DEMO_STUDY_TITLE))
    saved = db.session.scalars(
        db.select(Interview).where(Interview.study_id == study.id).order_by(Interview.id)
    ).all()
    assert [i.participant_label for i in saved] == ["P01", "P02"]
    assert all(i.status is ImportStatus.SAVED for i in saved)
    for interview in saved:
        assert 20 <= len(interview.turns) <= 40
        assert {t.speaker for t in interview.turns if t.is_interviewer} == {"主持人"}
        assert {t.speaker for t in interview.turns if not t.is_interviewer} == {"受访者"}
        assert interview.keywords
    assert _counts() == {
        "interviews": 2,
        "turns": sum(len(i.turns) for i in saved),
        "codes": len(CODEBOOK),
        "highlights": len(HIGHLIGHTS),
    }
    rows = {code.name: (n, mean) for code, n, mean in reports.sentiment_by_code(study)}
    assert rows["优惠门槛"][0] == 3 and rows["配送"][0] == 2
    assert rows["优惠门槛"][1] < 0.5 < rows["配送"][1]  # the complaints below the praise

    before = _counts()
    _seed(runner)
    assert _counts() == before


def test_a_seed_interrupted_after_an_upload_saves_that_preview_instead_of_doubling(runner, ctx):
    _seed(runner)
    study = db.session.scalar(db.select(Study).where(Study.title == DEMO_STUDY_TITLE))
    first = db.session.scalar(db.select(Interview).order_by(Interview.id))
    interviews.delete_interview(first)
    spec = TRANSCRIPTS[0]
    [preview], _ = interviews.upload_transcripts(
        study,
        study.created_by,
        [(spec["filename"], spec["text"].encode())],
        interviews.ImportOptions(mask=False),
    )
    preview.title = spec["fields"]["title"]
    db.session.commit()
    _seed(runner)
    assert _counts()["interviews"] == 2
    assert db.session.get(Interview, preview.id).status is ImportStatus.SAVED
