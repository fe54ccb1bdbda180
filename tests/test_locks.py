"""The lock files: what a fresh clone installs is what pyproject.toml allows, and a range
changed without refreshing the locks stops the run (requirements/check.py, decision 25)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _check_module():
    spec = importlib.util.spec_from_file_location("lock_check", ROOT / "requirements" / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    (tmp_path / "requirements").mkdir()
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for name in ("site.txt", "dev.txt"):
        shutil.copy(ROOT / "requirements" / name, tmp_path / "requirements" / name)
    return tmp_path


def test_the_committed_locks_satisfy_pyproject():
    assert _check_module().problems_in(ROOT) == []


def test_every_pin_is_exact_and_hashed():
    for name in ("site.txt", "dev.txt"):
        lines = (ROOT / "requirements" / name).read_text().splitlines()
        pins = [
            line for line in lines if line and not line[0].isspace() and not line.startswith("#")
        ]
        assert pins, name
        for index, line in enumerate(lines):
            if line in pins:
                assert "==" in line, (name, line)
                assert "--hash=sha256:" in lines[index + 1], (name, line)


def test_a_range_changed_without_refreshing_the_locks_is_refused(project_copy: Path):
    pyproject = project_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"Django>=5.2,<5.3"', '"Django>=6.0,<6.1"'))
    problems = _check_module().problems_in(project_copy)
    assert any("django==5.2" in p.lower() and "outside" in p for p in problems), problems
    assert {p.split(":")[0] for p in problems} == {"site.txt", "dev.txt"}


def test_a_new_dependency_without_a_pin_is_refused(project_copy: Path):
    pyproject = project_copy / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            '    "Markdown>=3.7,<4",\n', '    "Markdown>=3.7,<4",\n    "left-pad>=1",\n'
        )
    )
    problems = _check_module().problems_in(project_copy)
    assert any("left-pad is required" in p for p in problems), problems


def test_the_development_lock_must_pin_what_the_site_lock_pins_alike(project_copy: Path):
    dev = project_copy / "requirements" / "dev.txt"
    text = dev.read_text()
    version = next(
        line.split("==")[1].split()[0] for line in text.splitlines() if line.startswith("django==")
    )
    dev.write_text(text.replace(f"django=={version} ", "django==5.2.0 ", 1))
    problems = _check_module().problems_in(project_copy)
    assert any(p.startswith("dev.txt pins django") for p in problems), problems


def test_the_check_exits_non_zero_with_the_problem_named(project_copy: Path):
    shutil.copy(ROOT / "requirements" / "check.py", project_copy / "requirements" / "check.py")
    pyproject = project_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"nh3>=0.2.17,<0.4"', '"nh3>=0.4"'))
    result = subprocess.run(
        [sys.executable, str(project_copy / "requirements" / "check.py")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "nh3" in result.stderr
