"""Issue 8, output and configuration: file names that are not UTF-8, ``-o`` over special files and inputs,
hostile config, profile and baseline files. Each must give valid output or a clear exit 2 with a Chinese
message, never a traceback, a hang or a replaced file.

Every hostile input is built here at test time. The attacks run in a real checker process under a memory
limit and a timeout (tests/hostile.py); pure validation cases run in-process where a process adds nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.baseline import Baseline, BaselineError
from checker.cli import main
from checker.config import ConfigError, Configurator, Overrides
from checker.outfile import UnsafeOutputError, write_atomically
from hostile import CHILD_ENV, run_cli

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "examples" / "defective" / "npc-doc-number-and-date.txt"  # RL107 and RL404 (errors), RL109, RL203
COMPLIANT = ROOT / "examples" / "npc-compliant.txt"
NATIONAL = ROOT / "rules" / "profiles" / "three-grade.toml"  # the default profile (old name: national)
FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "junit", "html")
BAD_NAME = os.fsdecode(b"\xb0\xb8\xbe\xed.txt")  # 案卷.txt in GBK, as unzipped on Linux
SHOWN = r"\xb0\xb8\xbe\xed.txt"  # how every output must name it
LOCALES = {
    "C.UTF-8": {"LC_ALL": "C.UTF-8"},
    "C": {"LC_ALL": "C"},
    "strict": {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"},
}


def child_env(**extra) -> dict:
    env = {k: v for k, v in CHILD_ENV.items() if not k.startswith(("LC_", "LANG", "PYTHONIOENCODING"))}
    return {**env, **extra}


def check(tmp_path, *args, env=None, **kwargs):
    """``replylint check ARGS`` in a real process, in ``tmp_path`` (for what could hang, flood or depends on
    the locale)."""
    return run_cli("check", *args, cwd=tmp_path, env=env or child_env(), **kwargs)


@dataclass
class Outcome:
    returncode: int
    stdout: bytes
    stderr: bytes


def check_here(tmp_path, *args) -> Outcome:
    """The same in this process (for what can neither hang nor flood: a process start costs a second)."""
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["check", *args])
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout_bytes, result.stderr_bytes)


def assert_clean_failure(result, *expected: str) -> str:
    """Exit 2, a Chinese message with each of ``expected`` on stderr, no traceback."""
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr
    for text in expected:
        assert text in stderr, stderr
    return stderr


# ---- 5. file names that are not UTF-8 -------------------------------------------------------------------------

@pytest.fixture
def bad_name_dir(tmp_path):
    shutil.copy(LETTER, tmp_path / BAD_NAME)
    return tmp_path


def assert_names_the_file(data: bytes, output_format: str) -> None:
    """The output is valid UTF-8 (decoded strictly) and names the file with its bytes escaped."""
    text = data.decode("utf-8")
    if output_format in ("json", "json-lines"):
        records = json.loads(text)["files"] if output_format == "json" else [json.loads(line) for line in text.splitlines()]
        assert [r["path"] for r in records] == ["./" + SHOWN]  # the path as found under "."
    elif output_format == "sarif":
        run = json.loads(text)["runs"][0]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
        assert uris == {"%B0%B8%BE%ED.txt"}  # the file's own bytes, percent-encoded: a valid URI naming it
    elif output_format == "junit":
        suites = ET.fromstring(data).findall("testsuite")
        assert [s.get("name") for s in suites] == [SHOWN]
    else:
        assert SHOWN in text


# Machine formats are written as UTF-8 bytes whatever the locale, the terminal ones through the locale's
# stream: every format under the strict encoding, the others under each locale.
@pytest.mark.parametrize("output_format, locale", [*((f, "strict") for f in FORMATS),
                                                   *((f, loc) for f in ("full", "concise", "json") for loc in ("C", "C.UTF-8"))])
def test_a_non_utf8_file_name_on_standard_output(bad_name_dir, output_format, locale):
    result = check(bad_name_dir, "--isolated", "--format", output_format, ".", env=child_env(**LOCALES[locale]))
    assert result.returncode == 1, result.stderr.decode("utf-8", "replace")  # RL107 is an error: findings
    assert b"Traceback" not in result.stderr
    assert_names_the_file(result.stdout, output_format)


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_non_utf8_file_name_in_an_output_file(bad_name_dir, output_format):
    result = check_here(bad_name_dir, "--isolated", "--format", output_format, ".", "-o", "report.out")
    assert result.returncode == 1 and result.stdout == b"" and b"Traceback" not in result.stderr
    assert_names_the_file((bad_name_dir / "report.out").read_bytes(), output_format)


def test_a_baseline_with_a_non_utf8_name_is_utf8_and_matches_next_run(bad_name_dir):
    env = child_env(**LOCALES["strict"])
    written = check(bad_name_dir, "--isolated", ".", "--write-baseline", "base.json", env=env)
    assert written.returncode == 0 and b"Traceback" not in written.stderr
    data = json.loads((bad_name_dir / "base.json").read_bytes().decode("utf-8"))
    assert list(data["files"]) == [SHOWN]
    again = check(bad_name_dir, "--isolated", "--format", "json", ".", "--baseline", "base.json", env=env)
    assert again.returncode == 0  # every finding is known
    assert json.loads(again.stdout)["summary"]["suppressed_by_baseline"] == 4  # with the 关于对 info of RL203


def test_a_config_error_in_a_folder_that_is_not_utf8_names_it_escaped(tmp_path):
    folder = tmp_path / os.fsdecode(b"\xb0\xb8")
    folder.mkdir()
    shutil.copy(LETTER, folder / "a.txt")
    (folder / "replylint.toml").write_text('fail-on = "fatal"\n', encoding="utf-8")
    stderr = assert_clean_failure(check(tmp_path, ".", env=child_env(**LOCALES["strict"])), r"\xb0\xb8", "fail-on")
    assert "replylint.toml" in stderr


# ---- 7. -o over special files and inputs -----------------------------------------------------------------------

def special_files(tmp_path) -> dict[str, Path]:
    """A directory, a FIFO, a socket and (as root) a character device, all inside tmp_path: should the
    refusal regress, only these are harmed, never the machine's /dev nodes."""
    targets = {"dir": tmp_path / "folder", "fifo": tmp_path / "pipe", "socket": tmp_path / "sock"}
    targets["dir"].mkdir()
    os.mkfifo(targets["fifo"])
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(targets["socket"]))
    server.close()
    if os.geteuid() == 0:
        targets["device"] = tmp_path / "null"
        os.mknod(targets["device"], stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return targets


def kinds(paths) -> dict:
    return {name: stat.S_IFMT(os.lstat(path).st_mode) for name, path in paths.items()}


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_output_is_never_renamed_over_a_special_file(tmp_path, option):
    shutil.copy(LETTER, tmp_path / "letter.txt")
    targets = special_files(tmp_path)
    before = kinds(targets)
    for name, target in targets.items():
        result = check(tmp_path, "--isolated", "letter.txt", option, target.name)
        assert_clean_failure(result, "无法写入", target.name, "没有写入任何内容")
        assert result.stdout == b"", name
    assert kinds(targets) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["letter.txt", *(t.name for t in targets.values())])


@pytest.mark.parametrize("target", ["/dev/null", "/dev/stdout", "/proc/self/fd/1"])
def test_output_to_system_paths_is_refused(tmp_path, target):
    shutil.copy(LETTER, tmp_path / "letter.txt")
    null_before = os.stat("/dev/null")
    assert_clean_failure(check(tmp_path, "--isolated", "letter.txt", "-o", target), "不能写成报告")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == null_before.st_ino


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_output_never_replaces_an_input(tmp_path, option):
    sub = tmp_path / "archive"
    sub.mkdir()
    shutil.copy(LETTER, sub / "letter.txt")
    os.link(sub / "letter.txt", tmp_path / "hard.txt")  # another name of the same file
    os.symlink("archive/letter.txt", tmp_path / "link.txt")
    (tmp_path / "replylint.toml").write_text('ignore = ["RL109"]\n', encoding="utf-8")
    original = LETTER.read_bytes()
    for args in (("archive/letter.txt", "archive/letter.txt"), ("archive", "archive/letter.txt"),
                 ("archive", "hard.txt"), ("archive/letter.txt", "link.txt"), ("archive", "archive/../archive/letter.txt"),
                 ("archive", "replylint.toml")):
        checked, output = args
        result = check_here(tmp_path, checked, option, output)
        assert_clean_failure(result, "本次要读取的文件", "没有写入任何内容")
    assert (sub / "letter.txt").read_bytes() == original
    assert (tmp_path / "replylint.toml").read_text(encoding="utf-8") == 'ignore = ["RL109"]\n'
    assert os.path.islink(tmp_path / "link.txt")


def test_a_baseline_may_be_rewritten_over_itself_but_a_report_may_not_replace_it(tmp_path):
    shutil.copy(LETTER, tmp_path / "letter.txt")
    assert check_here(tmp_path, "--isolated", "letter.txt", "--write-baseline", "base.json").returncode == 0
    refreshed = check_here(tmp_path, "--isolated", "letter.txt", "--baseline", "base.json", "--write-baseline", "base.json")
    assert refreshed.returncode == 0 and len(json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))["files"]) == 1
    assert_clean_failure(check_here(tmp_path, "--isolated", "letter.txt", "--baseline", "base.json", "-o", "base.json"),
                         "本次要读取的文件")


def test_output_goes_through_a_symlink_to_its_target_and_the_link_stays(tmp_path):
    shutil.copy(LETTER, tmp_path / "letter.txt")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "report.json").write_text("old", encoding="utf-8")
    os.symlink("reports/report.json", tmp_path / "latest.json")
    os.symlink("reports/new.json", tmp_path / "dangling.json")
    for link in ("latest.json", "dangling.json"):
        result = check_here(tmp_path, "--isolated", "--format", "json", "letter.txt", "-o", link)
        assert result.returncode == 1 and result.stdout == b""
        assert os.path.islink(tmp_path / link)
    for target in ("report.json", "new.json"):
        assert json.loads((tmp_path / "reports" / target).read_text(encoding="utf-8"))["summary"]["error"] == 2
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["new.json", "report.json"]  # no temp left


def test_write_atomically_keeps_its_api_and_refuses_protected_files(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text("原文", encoding="utf-8")
    write_atomically(tmp_path / "out.txt", "报告")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "报告"
    with pytest.raises(UnsafeOutputError) as info:
        write_atomically(letter, "报告", protect=[letter])
    assert isinstance(info.value, OSError) and "本次要读取的文件" in info.value.strerror
    assert letter.read_text(encoding="utf-8") == "原文"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.txt", "out.txt"]


# ---- 8. config in the archive ------------------------------------------------------------------------------------

@pytest.fixture
def archive(tmp_path):
    """Nine letters (enough for -j 2 to use worker processes), the config folder three levels down."""
    deep = tmp_path / "archive" / "2024" / "城建局"
    deep.mkdir(parents=True)
    for i in range(9):
        shutil.copy(LETTER, (tmp_path / "archive") / f"{i}.txt" if i < 8 else deep / "last.txt")
    return tmp_path


CONFIG_ATTACKS = {
    "gbk-error": ("replylint.toml", 'fail-on = "严重"\n'.encode("gbk"), ["键 'fail-on'"]),
    "tool-is-a-string": ("pyproject.toml", b'tool = "replylint"\n', ["pyproject.toml", "键 'tool'", "应为表"]),
    "tool-replylint-not-a-table": ("pyproject.toml", b'[tool]\nreplylint = ["x"]\n', ["'tool.replylint'"]),
    "far-future-date": ("replylint.toml", b'assigned-date = "9999-12-31"\n', ["assigned-date", "9999-12-31", "1949"]),
    "impossible-date": ("replylint.toml", b'assigned-date = "2025-02-30"\n', ["assigned-date", "2025-02-30", "不存在"]),
    "date-not-a-string": ("replylint.toml", b'assigned-date = 2025-03-01\n', ["assigned-date"]),
    "broken-pyproject": ("pyproject.toml", b'[tool.replylint]\nselect = ["RL1"]\n\n[project\nname = "x"\n',
                         ["pyproject.toml", "第 4 行", "不是有效的 TOML"]),
    "bom-then-junk": ("replylint.toml", b"\xef\xbb\xbfselect = \n", ["第 1 行", "不是有效的 TOML"]),
    "too-large": ("replylint.toml", b"# " + b"x" * (2 * 1024 * 1024) + b"\n", ["文件内容异常", "配置文件"]),
    "deep-nesting": ("replylint.toml", b"select = " + b"[" * 20000 + b"]" * 20000 + b"\n", ["不是有效的 TOML"]),
    "too-many-globs": ("replylint.toml", b"[per-file-ignores]\n" + b"".join(b'"g%d" = ["RL1"]\n' % i for i in range(5000)),
                       ["per-file-ignores"]),
    "undecodable": ("replylint.toml", b"select = ['\xff\xfe\xfa']\n" * 1, ["replylint.toml", "无法解码"]),
}


@pytest.mark.parametrize("attack", CONFIG_ATTACKS)
def test_a_broken_config_deep_in_an_archive_is_exit_2_with_its_message(archive, attack):
    name, content, expected = CONFIG_ATTACKS[attack]
    (archive / "archive" / "2024" / "城建局" / name).write_bytes(content)
    result = check_here(archive, "-j", "1", "archive")
    assert_clean_failure(result, "城建局", *expected)
    assert result.stdout == b""  # stopped before checking: no half report


@pytest.mark.parametrize("attack", ["gbk-error", "tool-is-a-string", "far-future-date"])
def test_a_broken_config_stops_a_parallel_batch_too(archive, attack):
    name, content, expected = CONFIG_ATTACKS[attack]
    (archive / "archive" / "2024" / "城建局" / name).write_bytes(content)
    result = check(archive, "-j", "2", "archive")
    assert_clean_failure(result, "城建局", *expected)
    assert result.stdout == b""


PROFILE_ATTACKS = {
    "reply-months": ("reply_months = 3", "reply_months = 1000000", ["reply_months", "24"]),
    "session-year": ("[session_years]", '[session_years]\n"人大14届2次" = 99999', ["session_years", "2100"]),
    "negative-months": ("reply_months = 3", "reply_months = -5", ["reply_months"]),
}


@pytest.mark.parametrize("attack", PROFILE_ATTACKS)
def test_absurd_profile_numbers_are_refused(archive, attack):
    old, new, expected = PROFILE_ATTACKS[attack]
    profile = NATIONAL.read_text(encoding="utf-8")
    assert old in profile
    folder = archive / "archive" / "2024" / "城建局"
    (folder / "region.toml").write_text(profile.replace(old, new, 1), encoding="utf-8")
    (folder / "replylint.toml").write_text('profile = "region.toml"\nassigned-date = "2024-01-01"\n', encoding="utf-8")
    assert_clean_failure(check_here(archive, "archive"), "region.toml", "键 'profile'", *expected)


@pytest.mark.parametrize("what", ["config", "profile", "fifo-config", "fifo-profile"])
def test_config_and_profile_that_are_devices_or_fifos_neither_hang_nor_flood(archive, what):
    folder = archive / "archive" / "2024" / "城建局"
    name = "replylint.toml" if what.endswith("config") else "region.toml"
    if what.startswith("fifo"):
        os.mkfifo(folder / name)
    else:
        os.symlink("/dev/zero", folder / name)
    if name == "region.toml":
        (folder / "replylint.toml").write_text('profile = "region.toml"\n', encoding="utf-8")
    result = check(archive, "archive", memory=512 * 1024 * 1024, timeout=30)
    assert_clean_failure(result, name, "不是普通文件")


@pytest.mark.parametrize("encoding, prefix", [("gbk", b""), ("utf-16", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_configs_saved_by_windows_editors_are_read(tmp_path, encoding, prefix):
    shutil.copy(LETTER, tmp_path / "letter.txt")
    text = '# 只检查发文字号\nselect = ["doc-number-brackets"]\n'
    (tmp_path / "replylint.toml").write_bytes(prefix + text.encode(encoding))
    result = check_here(tmp_path, "--format", "json", "letter.txt")
    assert result.returncode == 1, result.stderr.decode("utf-8")
    assert [d["rule"] for d in json.loads(result.stdout)["files"][0]["diagnostics"]] == ["doc-number-brackets"]


def test_a_broken_pyproject_that_never_mentions_us_is_not_our_business(tmp_path):
    shutil.copy(LETTER, tmp_path / "letter.txt")
    (tmp_path / "pyproject.toml").write_bytes(b'[project\nname = "other"\n')
    result = check_here(tmp_path, "--format", "json", "letter.txt")
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert len(json.loads(result.stdout)["files"][0]["diagnostics"]) == 4  # the defaults (RL203's 关于对 info among them)


@pytest.mark.parametrize("flag, value, expected", [
    ("--assigned-date", "2025-02-30", "命令行 --assigned-date"),
    ("--assigned-date", "0001-01-01", "1949"),
    ("--profile", "/dev/zero.toml", "命令行 --profile"),
    ("--ignore", "RL999", "命令行 --ignore"),
    ("-j", "100000", "100000"),
])
def test_bad_flags_are_exit_2(tmp_path, flag, value, expected):
    shutil.copy(LETTER, tmp_path / "letter.txt")
    assert_clean_failure(check_here(tmp_path, "--isolated", flag, value, "letter.txt"), expected)


def test_a_valid_assigned_date_still_works():
    effective = Configurator(Overrides(isolated=True, assigned_date="2024-02-29")).for_path(str(COMPLIANT))
    assert effective.settings.assigned_date == "2024-02-29"  # a leap day exists


def test_config_messages_are_chinese_with_line_and_column(tmp_path):
    (tmp_path / "replylint.toml").write_text('select = ["RL1"]\nfail-on = \n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        Configurator(Overrides()).for_path(str(tmp_path / "a.txt"))
    assert "replylint.toml：第 2 行第 11 列：不是有效的 TOML" in str(info.value)


# ---- 2, 11. baselines ------------------------------------------------------------------------------------------

BASELINE_ATTACKS = {
    "deep-json": (b"[" * 200000 + b"]" * 200000, "嵌套层数过深"),
    "not-an-object": (b"[1, 2]", "已损坏"),
    "files-not-a-table": (b'{"version": 1, "files": [1]}', "已损坏"),
    "entry-not-an-object": (b'{"version": 1, "files": {"a.txt": [1]}}', "已损坏"),
    "infinite-count": (b'{"version": 1, "files": {"a.txt": [{"rule": "x", "content": "", "count": 1e999}]}}', "已损坏"),
    "huge-count": (b'{"version": 1, "files": {"a.txt": [{"rule": "x", "content": "", "count": 10000000000000}]}}', "已损坏"),
    "not-utf8": (b'{"version": 1, "files": {"\xff": []}}', "不是 UTF-8"),
    "bad-json": (b'{"version": 1,\n "files": }', "第 2 行"),
    "wrong-version": (b'{"version": 99, "files": {}}', "格式版本"),
}


@pytest.mark.parametrize("attack", BASELINE_ATTACKS)
def test_a_malformed_baseline_is_a_clear_error(tmp_path, attack):
    content, expected = BASELINE_ATTACKS[attack]
    (tmp_path / "base.json").write_bytes(content)
    with pytest.raises(BaselineError) as info:
        Baseline.load(tmp_path / "base.json")
    assert expected in str(info.value) and "base.json" in str(info.value)


@pytest.mark.parametrize("what", ["dev-zero", "fifo", "folder", "oversized", "deep"])
def test_baselines_that_would_hang_flood_or_recurse_are_refused_before_checking(tmp_path, what):
    shutil.copy(LETTER, tmp_path / "letter.txt")
    base = tmp_path / "base.json"
    expected = {"dev-zero": "不是普通文件", "fifo": "不是普通文件", "folder": "目录", "oversized": "文件内容异常",
                "deep": "嵌套层数过深"}[what]
    if what == "dev-zero":
        os.symlink("/dev/zero", base)
    elif what == "fifo":
        os.mkfifo(base)
    elif what == "folder":
        base.mkdir()
    elif what == "oversized":
        with open(base, "wb") as fh:  # sparse: 65 MiB that take no disk space
            fh.truncate(65 * 1024 * 1024)
    else:
        base.write_bytes(b"[" * 500000 + b"]" * 500000)
    result = check(tmp_path, "--isolated", "letter.txt", "--baseline", "base.json", timeout=30)
    assert_clean_failure(result, "base.json", expected)
    assert result.stdout == b""


# ---- found by a second attack run: names too long, numbers too long, names that are controls ------------------

LONG_NAME = "长" * 100 + "a" * 300  # past every file system's 255 bytes for one name


@pytest.mark.parametrize("args, expected", [
    ((LONG_NAME + ".txt",), "无法检查"),  # a letter named on the command line
    (("--config", LONG_NAME + ".toml", "letter.txt"), "配置文件"),
    (("--profile", LONG_NAME, "letter.txt"), "没有名为"),
    (("--profile", LONG_NAME + ".toml", "letter.txt"), "档案"),
    (("--baseline", LONG_NAME + ".json", "letter.txt"), "基线"),
])
def test_a_name_too_long_for_the_file_system_is_a_message(tmp_path, args, expected):
    shutil.copy(COMPLIANT, tmp_path / "letter.txt")
    result = check(tmp_path, *args)
    text = result.stdout.decode("utf-8") + assert_clean_failure(result)
    assert expected in text


def test_a_name_too_long_in_a_config_file_or_for_audit_is_a_message(tmp_path):
    shutil.copy(COMPLIANT, tmp_path / "letter.txt")
    (tmp_path / "replylint.toml").write_text(f'profile = "{LONG_NAME}"\n', encoding="utf-8")
    assert_clean_failure(check(tmp_path, "letter.txt"), "没有名为")
    result = run_cli("audit", LONG_NAME, "--db", str(tmp_path / "audit.sqlite"), cwd=tmp_path, env=child_env())
    assert result.returncode == 2 and b"Traceback" not in result.stderr


def test_an_integer_of_thousands_of_digits_in_a_toml_file_is_a_message_where_it_concerns_us(tmp_path):
    shutil.copy(COMPLIANT, tmp_path / "letter.txt")
    (tmp_path / "replylint.toml").write_text("x = " + "9" * 5000 + "\n", encoding="utf-8")
    assert_clean_failure(check(tmp_path, "letter.txt"), "replylint.toml", "数字位数过多")
    profile = tmp_path / "profile.toml"
    profile.write_text(NATIONAL.read_text(encoding="utf-8").replace("reply_months = 3", "reply_months = " + "9" * 5000),
                       encoding="utf-8")
    assert_clean_failure(check(tmp_path, "--profile", str(profile), "letter.txt"), "数字位数过多")


def test_another_tools_pyproject_with_a_huge_integer_does_not_stop_the_run(tmp_path):
    (tmp_path / "replylint.toml").unlink(missing_ok=True)
    shutil.copy(COMPLIANT, tmp_path / "letter.txt")
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nx = " + "9" * 5000 + "\n", encoding="utf-8")
    result = check(tmp_path, "--format", "json", "letter.txt")
    assert result.returncode == 0, result.stderr.decode("utf-8")
    assert json.loads(result.stdout)["files"][0]["error"] is None


def test_a_baseline_with_a_number_of_thousands_of_digits_is_a_message(tmp_path):
    shutil.copy(COMPLIANT, tmp_path / "letter.txt")
    (tmp_path / "baseline.json").write_text('{"version": ' + "9" * 100_000 + "}", encoding="utf-8")
    assert_clean_failure(check(tmp_path, "--baseline", "baseline.json", "letter.txt"), "数字位数过多")


@pytest.mark.parametrize("name, shown", [
    ("a\nb.txt", r"a\x0ab.txt"),  # would start a forged finding line of its own
    ("\x1b[31mred.txt", r"\x1b[31mred.txt"),  # would colour the terminal
    ("report\u202etxt.exe.txt", r"report\u202etxt.exe.txt"),  # would read backwards
])
@pytest.mark.parametrize("output_format", ["concise", "full", "github"])
def test_control_characters_in_a_file_name_are_shown_escaped(tmp_path, name, shown, output_format):
    shutil.copy(LETTER, tmp_path / name)
    result = check(tmp_path, "--format", output_format, ".")
    assert result.returncode == 1, result.stderr.decode("utf-8")
    text = result.stdout.decode("utf-8")
    assert shown in text
    assert name not in text and "\x1b" not in text and "\u202e" not in text
    if output_format == "concise":  # one line per finding, each naming the file
        findings = [line for line in text.splitlines() if line.startswith("./")]
        assert findings and all(line.startswith("./" + shown + ":") for line in findings)
