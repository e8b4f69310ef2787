"""Newcomer set-up of the browser tests: a missing Chromium is a clear failure (never a skip or an
import error that stops the run), and screenshots stay inside the repository's ignored build folder."""
from __future__ import annotations

import subprocess

import pytest

from conftest_app import ROOT, SHOTS, chromium_or_fail


def test_missing_chromium_fails_with_the_install_command(tmp_path):
    with pytest.raises(pytest.fail.Exception) as info:
        chromium_or_fail(str(tmp_path / "no-chromium"))
    message = str(info.value)
    assert "apt-get install chromium fonts-noto-cjk" in message and "PERFEVAL_CHROMIUM" in message


def test_screenshots_go_to_the_ignored_build_folder():
    assert SHOTS.is_relative_to(ROOT / "build")
    probe = SHOTS / "probe.png"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(probe)], cwd=ROOT).returncode
    assert ignored == 0, "build/ must be in .gitignore"
