"""Archives: deterministic discovery, include/exclude, symlink loops, unreadable folders, parallel runs
that agree with serial ones, and a time limit per file."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from checker.batch import Selection, check_one, discover, run_batch, time_limit
from checker.config import Configurator, Overrides
from checker.reporters.json_format import file_to_dict
from conftest import EXAMPLES, LETTERS


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "b" / "drafts").mkdir(parents=True)
    (tmp_path / "a").mkdir()
    shutil.copy(EXAMPLES / "npc-compliant.txt", tmp_path / "a" / "2.txt")
    shutil.copy(EXAMPLES / "cppcc-compliant.txt", tmp_path / "a" / "1.md")
    shutil.copy(LETTERS / "s2_npc_seal_only.txt", tmp_path / "b" / "x.txt")
    shutil.copy(LETTERS / "s3_cppcc_no_date.txt", tmp_path / "b" / "drafts" / "y.txt")
    (tmp_path / "b" / "notes.csv").write_text("a,b", encoding="utf-8")
    (tmp_path / "a" / "~$2.txt").write_text("lock", encoding="utf-8")
    return tmp_path


def names(items, root):
    return [(os.path.relpath(path, root), problem) for path, problem in items]


def test_discovery_is_sorted_and_by_extension(tree):
    assert names(discover([tree]), tree) == [("a/1.md", None), ("a/2.txt", None), ("b/drafts/y.txt", None), ("b/x.txt", None)]


def test_include_and_exclude_globs(tree):
    assert names(discover([tree], Selection(exclude=("drafts",))), tree) == [("a/1.md", None), ("a/2.txt", None), ("b/x.txt", None)]
    assert names(discover([tree], Selection(include=("*.md",))), tree) == [("a/1.md", None)]
    assert names(discover([tree], Selection(exclude=("b/*",))), tree) == [("a/1.md", None), ("a/2.txt", None)]


def test_a_symlink_loop_is_reported_and_skipped(tree):
    os.symlink(tree / "b", tree / "b" / "drafts" / "loop")
    found = names(discover([tree]), tree)
    assert ("b/drafts/loop", "符号链接形成循环（指回上级目录），已跳过") in found
    assert sum(1 for name, _ in found if name.endswith("y.txt")) == 1


def test_a_dangling_symlink_and_a_missing_path_are_reported(tree):
    os.symlink(tree / "nowhere.txt", tree / "a" / "3.txt")
    found = dict(names(discover([tree, tree / "absent.txt"]), tree))
    assert found["a/3.txt"] == "符号链接指向的文件不存在"
    assert found["absent.txt"] == "文件或目录不存在"


def test_an_unreadable_folder_is_reported(tree, monkeypatch):
    real_scandir = os.scandir

    def scandir(path):
        if os.path.basename(path) == "b":  # as if the folder had no read permission (tests may run as root)
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = dict(names(discover([tree]), tree))
    assert found["b"] == "无法列出目录内容：Permission denied"
    assert "a/2.txt" in found


def test_parallel_results_equal_serial_results(tmp_path):
    import lettergen

    for i, text in enumerate(lettergen.generate_corpus(60, seed=5)):
        (tmp_path / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "zz-binary.txt").write_bytes(b"\x00" * 100)
    items = list(discover([tmp_path]))
    configurator = Configurator(Overrides(isolated=True))
    serial = [file_to_dict(r) for r in run_batch(items, configurator, jobs=1)]
    parallel = [file_to_dict(r) for r in run_batch(items, configurator, jobs=2)]
    assert serial == parallel
    assert parallel[-1]["error"] and all(f["error"] is None for f in parallel[:-1])


def test_time_limit_interrupts_a_stuck_file():
    start = time.perf_counter()
    with pytest.raises(TimeoutError):
        with time_limit(0.2):
            while True:
                pass
    assert time.perf_counter() - start < 2


def test_check_one_turns_a_timeout_into_an_error_result(monkeypatch, tmp_path):
    import checker.pipeline

    def stuck(path, configurator=None, data=None):
        while True:
            pass

    monkeypatch.setattr(checker.pipeline, "check_file", stuck)
    result = check_one(str(tmp_path / "x.txt"), Configurator(Overrides(isolated=True)), seconds=0.2)
    assert "超过" in result.error


def test_links_that_point_at_each_other_are_reported_as_a_loop_not_as_missing(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    found = {Path(path).name: problem for path, problem in discover([tmp_path])}
    loop = "符号链接形成循环（几个链接互相指向），没有可读的文件，已跳过"
    assert found == {"a.txt": loop, "b.txt": loop, "gone.txt": "符号链接指向的文件不存在"}
    named = dict(discover([tmp_path / "a.txt", tmp_path / "gone.txt"]))  # named on the command line
    assert named == {str(tmp_path / "a.txt"): loop, str(tmp_path / "gone.txt"): "符号链接指向的文件不存在"}
