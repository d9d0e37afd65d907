"""``replylint serve``: the HTTP API of plan12 — each endpoint, each error, the token, hostile files, the
worker pool's time limit and replacement, and a bounded load test on loopback (every request answered, no
worker left behind, memory flat). Servers run in-process on a free port, or as ``replylint serve --port 0``."""

from __future__ import annotations

import http.client
import io
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from pathlib import Path

import pytest

import formats_fixtures as ff
from checker.config import Configurator, Overrides
from checker.model import Report, Severity
from checker.pipeline import check_file
from checker.reporters.json_format import report_to_dict
from checker.serve import jobs, server
from checker.serve.jobs import JobFailed, Pool

ROOT = Path(__file__).resolve().parent.parent
DEFECTIVE = sorted((ROOT / "examples" / "defective").glob("*.txt"))
ISOLATED = Overrides(isolated=True)
CHINESE_DATE_LETTER = (ROOT / "examples" / "npc-compliant.txt").read_text(encoding="utf-8").replace(
    "2025年6月10日", "二〇二五年六月十日")


# ---- helpers -------------------------------------------------------------------------------------------------

def call(port, method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def multipart(fields: dict, files: dict | None = None) -> tuple[bytes, dict]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in (files or {}).items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  'Content-Type: application/octet-stream\r\n\r\n'.encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def upload(port, path, filename, data, headers=None, **fields):
    body, head = multipart(fields, {"file": (filename, data)})
    return call(port, "POST", path, body, {**head, **(headers or {})})


def post_json(port, path, payload, headers=None):
    return call(port, "POST", path, json.dumps(payload, ensure_ascii=False).encode(),
                {"Content-Type": "application/json", **(headers or {})})


def as_json(response):
    status, headers, body = response
    assert headers["content-type"].startswith("application/json"), headers
    return status, json.loads(body)


def docx_of(path: Path) -> bytes:
    return ff.build_docx(path.read_text(encoding="utf-8"))


def raw_exchange(port, data: bytes, read_timeout=10) -> bytes:
    """Send raw bytes, return all the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def start(settings: server.Settings, pool=None):
    srv = server.make_server(settings, pool)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    return srv, thread


def stop(srv, thread):
    srv.shutdown()
    thread.join(5)
    srv.close()


@pytest.fixture(scope="module")
def live():
    srv, thread = start(server.Settings(port=0, workers=2))
    yield srv.port
    stop(srv, thread)


@pytest.fixture(scope="module")
def guarded():
    srv, thread = start(server.Settings(port=0, workers=1, token="s3cret-token"))
    yield srv.port
    stop(srv, thread)


# ---- endpoints -----------------------------------------------------------------------------------------------

def test_healthz_and_the_headers_of_every_response(live):
    status, headers, body = call(live, "GET", "/healthz")
    assert status == 200 and json.loads(body) == {"ok": True}
    assert headers["content-security-policy"] == server.CSP
    assert "script-src 'self'" in headers["content-security-policy"] and "unsafe-inline" not in server.CSP
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    status, headers, _ = call(live, "GET", "/api/rules")
    assert headers["cache-control"] == "no-store" and headers["content-security-policy"] == server.CSP


def test_the_page_and_only_its_three_files(live):
    status, headers, body = call(live, "GET", "/")
    assert status == 200 and headers["content-type"].startswith("text/html") and b"<html" in body
    for name, kind in (("app.js", "text/javascript"), ("app.css", "text/css")):
        status, headers, _ = call(live, "GET", f"/static/{name}")
        assert status == 200 and headers["content-type"].startswith(kind)
    for path in ("/static/index.html/../../server.py", "/static/../jobs.py", "/static/x.js", "/etc/passwd", "/api"):
        assert as_json(call(live, "GET", path)) == (404, {"error": server.MESSAGES[404], "status": 404})


def test_rules_is_the_catalogue_of_replylint_rules(live):
    from click.testing import CliRunner

    from checker.cli import main

    status, _, body = call(live, "GET", "/api/rules")
    assert status == 200
    assert json.loads(body) == json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).output)


@pytest.mark.parametrize("path", DEFECTIVE, ids=lambda p: p.stem)
def test_a_word_letter_gets_exactly_the_findings_of_check(live, path):
    data = docx_of(path)
    status, answer = as_json(upload(live, "/api/check", f"{path.stem}.docx", data))
    assert status == 200
    expected = check_file(f"{path.stem}.docx", Configurator(ISOLATED), data)
    assert answer["report"] == report_to_dict(Report(files=[expected]))
    assert answer["report"]["files"][0]["diagnostics"]  # defective on purpose
    assert answer["lines"] == expected.source_lines and answer["kind"] == "docx"
    assert set(answer["rules"]) == {d.code for d in expected.diagnostics}
    for note in answer["rules"].values():
        assert set(note) == {"title", "name", "severity", "description", "source", "missing"}
    assert answer["hidden_info"] == expected.count(Severity.INFO)


def test_pasted_text_the_profile_and_show_info(live):
    text = (ROOT / "examples" / "defective" / "npc-doc-number-and-date.txt").read_text(encoding="utf-8")
    status, answer = as_json(post_json(live, "/api/check", {"text": text}))
    assert status == 200 and answer["kind"] == "text" and answer["hidden_info"] == 1
    assert answer["report"]["files"][0]["path"] == "letter.txt"
    status, shown = as_json(post_json(live, "/api/check", {"text": text, "show_info": True, "profile": "four-grade",
                                                            "name": "../../答复.md"}))
    assert status == 200 and shown["hidden_info"] == 0 and shown["report"]["files"][0]["path"] == "答复.md"
    status, named = as_json(post_json(live, "/api/check", {"text": text, "name": "C:\\公文\\答复.docx"}))
    assert status == 200 and named["report"]["files"][0]["path"] == "答复.txt"  # pasted text is read as text
    body, head = multipart({"text": text, "show_info": "1", "profile": "three-grade"})
    status, form = as_json(call(live, "POST", "/api/check", body, head))
    assert status == 200 and form["hidden_info"] == 0
    assert form["report"]["files"][0]["diagnostics"] == answer["report"]["files"][0]["diagnostics"]


def comments_of(package: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        xml = zf.read("word/comments.xml").decode("utf-8")
    return re.findall(r'<w:comment [^>]*w:author="replylint"', xml)


def test_annotate_gives_a_word_file_with_one_comment_per_finding(live):
    import docx

    path = ROOT / "examples" / "defective" / "npc-doc-number-and-date.txt"
    data = docx_of(path)
    status, headers, package = upload(live, "/api/annotate", "答复函.docx", data)
    assert status == 200 and headers["content-type"] == server.DOCX_TYPE
    assert headers["content-disposition"] == (
        "attachment; filename=\"letter.docx\"; filename*=UTF-8''%E7%AD%94%E5%A4%8D%E5%87%BD.%E6%89%B9%E6%B3%A8.docx")
    docx.Document(io.BytesIO(package))  # Word's library opens it
    shown = [d for d in check_file("x.docx", Configurator(ISOLATED), data).diagnostics if d.severity is not Severity.INFO]
    assert len(comments_of(package)) == int(headers["x-replylint-comments"]) == len(shown)
    status, headers, fixed = upload(live, "/api/annotate", "答复函.docx", data, mode="apply-fixes")
    assert status == 200 and "东建复〔2025〕8号" in "\n".join(p.text for p in docx.Document(io.BytesIO(fixed)).paragraphs)
    status, headers, tracked = upload(live, "/api/annotate", "答复函.docx", data, mode="track-changes")
    assert status == 200 and b"<w:ins " in zipfile.ZipFile(io.BytesIO(tracked)).read("word/document.xml")


def test_fix_makes_the_safe_fixes_and_only_the_unsafe_ones_accepted(live):
    status, plain = as_json(post_json(live, "/api/fix", {"text": CHINESE_DATE_LETTER, "name": "答复.txt"}))
    assert status == 200 and plain["filename"] == "答复.修正.txt"
    assert plain["text"] == "\n".join(CHINESE_DATE_LETTER.split("\n")[:-1])  # nothing safe to fix: the lines as they were
    assert plain["applied"] == []
    offered = {u["code"]: u for u in plain["unsafe"]}
    assert set(offered) == {"RL404", "RL610"}
    date = offered["RL404"]
    assert date["id"] == f"RL404:{date['line']}:{date['column']}" and date["original"] == "二〇二五年六月十日"
    assert date["replacement"] == "2025年6月10日" and date["title"] and date["message"]
    status, accepted = as_json(post_json(live, "/api/fix", {"text": CHINESE_DATE_LETTER, "accept": [date["id"]]}))
    assert status == 200
    lines = accepted["text"].split("\n")
    assert lines[date["line"] - 1] == "2025年6月10日"
    assert "二〇二五年六月十日" in accepted["text"]  # the 印发日期 (RL610) was not accepted
    assert [(a["code"], a["safe"]) for a in accepted["applied"]] == [("RL404", False)]
    assert [u["code"] for u in accepted["unsafe"]] == ["RL610"]
    # a file: its safe fixes made, whatever its format
    path = ROOT / "examples" / "defective" / "npc-doc-number-and-date.txt"
    status, from_docx = as_json(upload(live, "/api/fix", "a.docx", docx_of(path)))
    assert status == 200 and {a["code"] for a in from_docx["applied"]} >= {"RL107", "RL404"}
    assert "东建复〔2025〕8号" in from_docx["text"] and from_docx["filename"] == "a.修正.txt"


# ---- errors --------------------------------------------------------------------------------------------------

def test_too_large_is_answered_before_the_body_is_sent(live):
    declared = 30 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", live), timeout=10) as sock:
        sock.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                     b"Content-Length: %d\r\n\r\n" % declared + b"x" * 65536)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 413 ")
    message = json.loads(body)
    assert message["status"] == 413 and "最大可上传 20 MB" in message["error"]


def test_a_request_without_content_length_gets_411(live):
    answer = raw_exchange(live, b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 411 ")
    answer = raw_exchange(live, b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                b"2\r\n{}\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 411 ")


HOSTILE = {  # built when a test asks (a job from this module imports it in a worker: it must import fast)
    "truncated.docx": lambda: ff.truncated(ff.build_docx(ff.letter_texts()["npc-doc-number-and-date"])),
    "bomb.docx": lambda: ff.zip_bomb(size=1 << 28),
    "random.pdf": lambda: random.Random(12).randbytes(50_000),
    "random.ofd": lambda: random.Random(13).randbytes(50_000),
    "empty.txt": lambda: b"",
    "encrypted.docx": ff.encrypted_docx,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_an_unreadable_file_gets_422_with_the_readers_message_and_the_server_goes_on(live, name):
    data = HOSTILE[name]()
    status, answer = as_json(upload(live, "/api/check", name, data))
    expected = check_file(name, Configurator(ISOLATED), data)
    assert status == 422 and answer == {"error": expected.error, "status": 422}
    status, answer = as_json(upload(live, "/api/fix", name, data))
    assert status == 422
    assert call(live, "GET", "/healthz")[0] == 200
    assert upload(live, "/api/check", "ok.txt", CHINESE_DATE_LETTER.encode())[0] == 200


def test_the_annotate_modes_are_those_of_annotate():
    from checker.annotate import MODES

    assert server.ANNOTATE_MODES == MODES


def test_bad_profile_bad_mode_wrong_types_and_methods(live):
    text = CHINESE_DATE_LETTER
    status, answer = as_json(post_json(live, "/api/check", {"text": text, "profile": "five-grade"}))
    with pytest.raises(Exception) as raised:
        Configurator(Overrides(isolated=True, profile="five-grade")).for_path("letter.txt")
    assert status == 400 and answer["error"] == str(raised.value) and "four-grade" in answer["error"]
    for profile in ("../../etc/passwd", "x.toml", "/tmp/p.toml"):  # never a path: nothing is opened
        status, answer = as_json(post_json(live, "/api/check", {"text": text, "profile": profile}))
        assert status == 400 and "档案名称" in answer["error"]
    data = docx_of(DEFECTIVE[0])
    status, answer = as_json(upload(live, "/api/annotate", "a.docx", data, mode="scribble"))
    assert status == 400 and "comments" in answer["error"]
    status, answer = as_json(upload(live, "/api/annotate", "a.pdf", b"%PDF-1.4"))
    assert status == 415 and ".docx" in answer["error"]
    status, answer = as_json(upload(live, "/api/check", "a.exe", b"MZ"))
    assert status == 415
    status, answer = as_json(call(live, "POST", "/api/check", b"text=1", {"Content-Type": "application/x-www-form-urlencoded"}))
    assert status == 415
    status, answer = as_json(call(live, "POST", "/api/check", b"{not json", {"Content-Type": "application/json"}))
    assert status == 400
    status, answer = as_json(post_json(live, "/api/check", {"name": "x.txt"}))
    assert status == 400 and "file" in answer["error"]
    assert as_json(call(live, "GET", "/api/check"))[0] == 405
    assert as_json(call(live, "GET", "/api/annotate"))[0] == 405
    assert as_json(call(live, "POST", "/api/rules", b"{}", {"Content-Type": "application/json"}))[0] == 405
    assert as_json(call(live, "PUT", "/api/check", b"{}"))[0] == 405
    assert as_json(call(live, "POST", "/nowhere", b"{}", {"Content-Type": "application/json"}))[0] == 404


def test_request_line_and_header_limits(live):
    answer = raw_exchange(live, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 414 ") and "请求的地址太长".encode() in answer
    answer = raw_exchange(live, b"GET / HTTP/1.1\r\n" + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"p" * 900) for i in range(60))
                          + b"\r\n")
    assert answer.startswith(b"HTTP/1.0 431 ")
    assert raw_exchange(live, b"GET / HTTX/1.1\r\n\r\n").startswith(b"HTTP/1.0 400 ")
    answer = raw_exchange(live, b"BREW /pot HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 501 ") and answer.endswith(b'"status": 501}')


def test_a_page_elsewhere_pointing_its_name_at_loopback_is_refused(live):
    assert as_json(call(live, "GET", "/api/rules", headers={"Host": "evil.example:80"}))[0] == 403
    assert call(live, "GET", "/api/rules", headers={"Host": f"localhost:{live}"})[0] == 200


def test_a_slow_client_is_cut_off(live, monkeypatch):
    monkeypatch.setattr(server, "HEADER_SECONDS", 1)
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", live), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n")
        ended = False
        for _ in range(8):  # one header byte every half second: never finishing
            try:
                sock.sendall(b"X")
                if sock.recv(1, socket.MSG_DONTWAIT) == b"":
                    ended = True
                    break
            except BlockingIOError:
                pass
            except OSError:
                ended = True
                break
            time.sleep(0.5)
    assert ended and time.monotonic() - began < 4


def test_the_log_has_no_letter_text_and_no_file_name_unless_asked(live, capfd):
    assert upload(live, "/api/check", "张三的答复.txt", CHINESE_DATE_LETTER.encode())[0] == 200
    assert call(live, "GET", "/?token=abc")[0] == 200
    log = capfd.readouterr().err
    assert re.search(r"127\.0\.0\.1 POST /api/check 200 \d+ [\d.]+s\n", log), log
    assert "张三" not in log and "二〇二五" not in log and "token" not in log
    srv, thread = start(server.Settings(port=0, workers=1, log_names=True))
    try:
        assert upload(srv.port, "/api/check", "张三的答复.txt", CHINESE_DATE_LETTER.encode())[0] == 200
    finally:
        stop(srv, thread)
    log = capfd.readouterr().err
    assert "POST /api/check 200" in log and "张三的答复.txt" in log and "二〇二五" not in log


# ---- token ---------------------------------------------------------------------------------------------------

def test_a_token_is_asked_for_and_the_login_link_sets_a_cookie(guarded):
    text = {"text": CHINESE_DATE_LETTER}
    assert call(guarded, "GET", "/healthz")[0] == 200
    for headers in ({}, {"X-Replylint-Token": "wrong-token"}, {"Authorization": "Bearer wrong-token"},
                    {"Cookie": "replylint_token=wrong-token"}):
        assert as_json(post_json(guarded, "/api/check", text, headers))[0] == 401
        status, page_headers, page = call(guarded, "GET", "/", headers=headers)  # a person: a page that says why
        assert status == 401 and page_headers["content-type"].startswith("text/html")
        assert "登录链接" in page.decode("utf-8") and "<script" not in page.decode("utf-8")
    status, answer = as_json(upload(guarded, "/api/check", "a.txt", b"x" * 200_000))
    assert status == 401 and answer["error"] == server.MESSAGES[401]
    assert post_json(guarded, "/api/check", text, {"X-Replylint-Token": "s3cret-token"})[0] == 200
    assert post_json(guarded, "/api/check", text, {"Authorization": "Bearer s3cret-token"})[0] == 200
    assert as_json(call(guarded, "GET", "/?token=nope"))[0] == 401
    status, headers, _ = call(guarded, "GET", "/?token=s3cret-token")
    assert status == 303 and headers["location"] == "/"
    cookie = headers["set-cookie"]
    assert cookie.startswith("replylint_token=s3cret-token;")
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {p.strip() for p in cookie.split(";")}
    jar = {"Cookie": "other=1; " + cookie.split(";", 1)[0]}
    status, headers, body = call(guarded, "GET", "/", headers=jar)
    assert status == 200 and b"<html" in body
    assert post_json(guarded, "/api/check", text, jar)[0] == 200


# ---- the worker pool -----------------------------------------------------------------------------------------

def stuck_job():
    """Deaf to the worker's alarm (as in C code that never returns to Python): only the pool's kill ends it."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(60)


def sleepy_job(seconds):
    time.sleep(seconds)
    return os.getpid()


def dying_job():
    os._exit(7)


def test_a_stuck_worker_is_killed_and_replaced_and_a_dead_one_too():
    with Pool(workers=1, seconds=0.5, grace=0.5) as pool:
        (first,) = pool.pids()
        began = time.monotonic()
        with pytest.raises(JobFailed) as stuck:
            pool.run(stuck_job)
        assert stuck.value.status == 504 and "0.5 秒" in stuck.value.message
        assert time.monotonic() - began < 5
        (second,) = pool.pids()
        assert second != first and _zombie_or_gone(first)
        answer = pool.run(jobs.check_job, CHINESE_DATE_LETTER.encode(), "a.txt", ISOLATED)
        assert answer["report"]["summary"]["files"] == 1
    with Pool(workers=1, seconds=30) as pool:  # (a job from this module imports it in the worker: not instant)
        (first,) = pool.pids()
        with pytest.raises(JobFailed) as dead:
            pool.run(dying_job)
        assert dead.value.status == 422 and "退出码 7" in dead.value.message
        (second,) = pool.pids()
        assert second != first and _zombie_or_gone(first)
        assert pool.run(sleepy_job, 0) == second


def _zombie_or_gone(pid: int) -> bool:
    try:
        return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True


def test_a_letter_over_the_time_limit_gets_504_from_the_worker_alarm():
    with Pool(workers=1, seconds=0.001) as pool:
        with pytest.raises(JobFailed) as late:
            pool.run(jobs.check_job, (CHINESE_DATE_LETTER * 20).encode(), "a.txt", ISOLATED)
        assert late.value.status == 504 and "0.001 秒" in late.value.message
        before = pool.pids()
        with pytest.raises(JobFailed):
            pool.run(jobs.check_job, (CHINESE_DATE_LETTER * 20).encode(), "a.txt", ISOLATED)
        assert pool.pids() == before  # the alarm ended the job, not the worker


def test_all_workers_busy_for_too_long_is_503():
    with Pool(workers=1, seconds=10, wait=0.3) as pool:
        busy = threading.Thread(target=pool.run, args=(sleepy_job, 1.5))
        busy.start()
        time.sleep(0.2)
        with pytest.raises(JobFailed) as refused:
            pool.run(sleepy_job, 0)
        assert refused.value.status == 503
        busy.join()


def test_the_concurrent_request_cap():
    srv, thread = start(server.Settings(port=0, workers=1, max_requests=1))
    try:
        with socket.create_connection(("127.0.0.1", srv.port)):  # holds the one slot, sending nothing
            time.sleep(0.2)
            status, _ = as_json(call(srv.port, "GET", "/healthz"))
        assert status == 503
        assert call(srv.port, "GET", "/healthz")[0] == 200
    finally:
        stop(srv, thread)


# ---- the command ---------------------------------------------------------------------------------------------

def test_a_network_address_needs_a_token():
    from click.testing import CliRunner

    from checker.cli import main

    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--token" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--token", "short"])
    assert result.exit_code == 2 and "8–128" in result.output


def test_with_a_token_the_command_warns_and_prints_the_login_link(monkeypatch):
    from click.testing import CliRunner

    from checker.cli import main

    made = []

    class Fake:  # the server's part is tested above; here only what the command says and how it ends
        def __init__(self, settings):
            self.settings, self.closed = settings, False

        def url(self, host=None):
            return f"http://{host or 'office-pc'}:8765/"

        def serve_forever(self):
            raise KeyboardInterrupt  # as Ctrl-C

        def close(self):
            self.closed = True

    monkeypatch.setattr(server, "make_server", lambda settings: made.append(Fake(settings)) or made[-1])
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--token", "s3cret-token", "--workers", "3",
                                       "--max-upload", "5", "--time-limit", "9.5"])
    assert result.exit_code == 0, result.output
    assert "局域网" in result.output and "http://office-pc:8765/?token=s3cret-token" in result.output
    (fake,) = made
    assert fake.closed and fake.settings.workers == 3 and fake.settings.max_upload == 5 * server.MiB
    assert fake.settings.time_limit == 9.5 and fake.settings.token == "s3cret-token"
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # the command gave back the handlers it took


def test_other_commands_do_not_load_the_server():
    code = "import sys; from checker.cli import main; sys.argv=['replylint','--version']\ntry: main()\nexcept SystemExit: pass\n" \
           "print('checker.serve.server' in sys.modules, 'http.server' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60).stdout
    assert out.strip().endswith("False False")


def descendants(pid: int) -> dict[int, list[int]]:
    """Children of each process below ``pid``, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree: dict[int, list[int]] = {}
    todo = [pid]
    while todo:
        p = todo.pop()
        tree[p] = sorted(c for c, parent in parents.items() if parent == p)
        todo.extend(tree[p])
    return tree


def workers_of(pid: int) -> list[int]:
    """The worker processes of a server: the children of its fork server (its one child that has any)."""
    tree = descendants(pid)
    return [w for child in tree[pid] for w in tree.get(child, []) if _alive(w)]


def _alive(pid: int) -> bool:
    return not _zombie_or_gone(pid)


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


@pytest.fixture(scope="module")
def served():
    """``replylint serve --port 0 --workers 2`` as a process of its own."""
    process = subprocess.Popen([sys.executable, "-m", "checker.cli", "serve", "--port", "0", "--workers", "2"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, line + process.stderr.read()
    port = int(match.group(1))
    deadline = time.monotonic() + 20
    while len(workers_of(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    yield process, port
    if process.poll() is None:
        process.kill()
        process.wait(10)


def test_load_every_request_answered_no_worker_left_memory_flat(served):
    process, port = served
    good_docx = docx_of(DEFECTIVE[0])
    hostile = [("bomb.docx", ff.zip_bomb(size=1 << 28)), ("cut.docx", ff.truncated(good_docx)),
               ("noise.pdf", random.Random(5).randbytes(20_000))]
    requests = [
        (lambda: upload(port, "/api/check", "a.docx", good_docx), 200),
        (lambda: post_json(port, "/api/check", {"text": CHINESE_DATE_LETTER}), 200),
        (lambda: post_json(port, "/api/fix", {"text": CHINESE_DATE_LETTER}), 200),
        (lambda: upload(port, "/api/annotate", "a.docx", good_docx), 200),
        *((lambda n=n, d=d: upload(port, "/api/check", n, d), 422) for n, d in hostile),
        (lambda: call(port, "GET", "/api/rules"), 200),
    ]
    for send, expected in requests * 3:  # warm-up: every kind of request once in each worker
        assert send()[0] == expected
    workers_before = workers_of(process.pid)
    assert len(workers_before) == 2
    warm = rss_kib(process.pid)
    failures: list = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(50):
            send, expected = rng.choice(requests)
            try:
                status = send()[0]
            except OSError as exc:  # not answered: a failure of its own kind
                status = repr(exc)
            if status != expected:
                failures.append((expected, status))

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(4)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads) and time.monotonic() - began < 120
    assert failures == []
    assert sorted(workers_of(process.pid)) == sorted(workers_before)  # none died, none was added
    assert rss_kib(process.pid) - warm < 40 * 1024, (warm, rss_kib(process.pid))
    assert call(port, "GET", "/healthz")[0] == 200


def test_ctrl_c_and_sigterm_end_the_workers_and_exit_0(served):
    process, _ = served
    pids = workers_of(process.pid)
    assert pids
    process.send_signal(signal.SIGINT)
    assert process.wait(15) == 0
    said = process.stderr.read()
    assert "已停止" in said and "Traceback" not in said and "Warning" not in said, said
    assert "二〇二五" not in said and "a.docx" not in said  # no letter text, no file name in the log
    for pid in pids:
        assert _zombie_or_gone(pid)
    term = subprocess.Popen([sys.executable, "-m", "checker.cli", "serve", "--port", "0", "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert "网页已启动" in term.stdout.readline()
        deadline = time.monotonic() + 20
        while not workers_of(term.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        pids = workers_of(term.pid)
        term.send_signal(signal.SIGTERM)
        assert term.wait(15) == 0
        assert pids and all(_zombie_or_gone(pid) for pid in pids)
    finally:
        if term.poll() is None:
            term.kill()
