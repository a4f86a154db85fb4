"""The installed package: built quietly, and carrying every data file the code reads."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "surveys", "analysis")


def _data_files(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for package in PACKAGES
        for path in (root / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def test_the_wheel_builds_without_warnings_and_holds_every_data_file(tmp_path):
    source = tmp_path / "src"  # a copy: a build leaves build/ and *.egg-info behind
    source.mkdir()
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-v",
         "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    log = result.stdout + result.stderr
    assert "would be ignored" not in log and "absent from the `packages`" not in log
    [wheel] = (tmp_path / "dist").glob("wenfang-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_data_files(source) - names)
    assert missing == []  # templates, static files, catalogues, schema, model
    for expected in (
        "app/templates/base.html",
        "app/translations/zh/LC_MESSAGES/messages.po",
        "surveys/schema/questionnaire.schema.json",
        "analysis/text/models/sentiment_zh.npz",
    ):
        assert expected in names
