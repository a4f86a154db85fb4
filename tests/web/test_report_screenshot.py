"""The demo study's PDF report, made by `flask reports export` like a user would, with its first
page rendered by pdftoppm to docs/screenshots/report-first-page.png (the issue's picture)."""

import shutil
import subprocess

import pytest

from app.demo import DEMO_STUDY_TITLE
from app.extensions import db
from app.models import Study
from tests.web.test_browser import SCREENSHOTS

POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")


@pytest.mark.skipif(not POPPLER, reason="pdftoppm / pdftotext (poppler-utils) missing")
def test_the_demo_studys_report_reads_as_chinese_and_its_first_page_is_drawn(runner, ctx, tmp_path):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    study = db.session.scalar(db.select(Study).where(Study.title == DEMO_STUDY_TITLE))
    pdf = tmp_path / "demo.pdf"
    args = ["reports", "export", "--study", str(study.id), "--format", "pdf", "--out", str(pdf)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert DEMO_STUDY_TITLE in text and "关键指标" in text and "原声" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "report-first-page"
    first_page = ["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run(["pdftoppm", *first_page, str(pdf), str(target)], check=True)
    assert target.with_suffix(".png").stat().st_size > 10_000
