"""``replylint serve``: the page for drafting staff and the HTTP API it uses (standard library only).

Routes (the README's "本机网页" section documents them for programs):

    GET  /                  the page (static/index.html)     GET /static/<app.js|app.css>
    GET  /healthz           {"ok": true}                     GET /api/rules   the catalogue (rules --format json)
    POST /api/check         one letter → the JSON of check --format json, its lines, its rules
    POST /api/fix           one letter → the fixed text, the fixes made, the unsafe ones on offer
    POST /api/annotate      one .docx → the copy with 批注 (or 修订, or the fixes made)

A request is read here, in the server's threads, within bounds: the request line and headers (``MAX_*``),
the body's declared length (413 before a byte of it is read, 411 without one), a read deadline for the whole
request (``_Reaper``: a client that sends slowly cannot hold a thread), and a cap on concurrent requests.
The letter itself is read and checked in a worker process (``jobs``): nothing is written to disk, no path
from a request is ever opened (a file's name only names it), and the log has no letter text or file name.
"""

from __future__ import annotations

import hmac
import html
import http.client
import ipaddress
import json
import re
import socket
import socketserver
import sys
import threading
import time
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, quote, urlsplit

from . import jobs

MiB = 1024 * 1024
DEFAULT_PORT = 8765
DEFAULT_MAX_UPLOAD_MB = 20
MAX_REQUEST_LINE = 8192  # bytes: the paths of this server are short
MAX_HEADER_BYTES = 32 * 1024  # all request headers together
HEADER_SECONDS = 20  # to send the request line and headers
MIN_UPLOAD_RATE = 100 * 1024  # bytes a second a body must arrive at, at the least (after BODY_SECONDS)
BODY_SECONDS = 30
SOCKET_TIMEOUT = 20  # one read or write that makes no progress
FORM_SLACK = 64 * 1024  # a form's boundaries and fields around a file of the largest size allowed
MAX_PARTS = 16 + 1000  # multipart form fields: a file, a few settings and one accept field per fix at most
MAX_ACCEPT = 1000  # unsafe fix ids in one /api/fix
TOKEN_COOKIE = "replylint_token"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9._~-]{8,128}")
PROFILE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
STATIC = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "app.css": "text/css; charset=utf-8"}
ANNOTATE_MODES = ("comments", "track-changes", "apply-fixes")  # checker.annotate.MODES (not loaded here: lxml)
TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
UPLOAD_SUFFIXES = (".docx", ".pdf", ".ofd") + TEXT_SUFFIXES

MESSAGES = {
    400: "请求的格式不正确",
    401: "需要访问口令：请用启动服务时显示的登录链接打开本页（或在请求头 X-Replylint-Token 中给出口令）",
    403: "不接受来自这个地址的请求",
    404: "没有这个页面或接口",
    405: "这个接口不接受这种请求方式",
    408: "请求发送得太慢，已超时",
    411: "请求缺少 Content-Length（请求体的长度），无法接收",
    413: "文件太大",
    414: "请求的地址太长",
    415: "不支持这种文件类型",
    422: "无法读取这个文件",
    431: "请求头太大",
    500: "服务器内部出错，请把这个文件提供给维护者",
    501: "不支持这种请求方式",
    503: jobs.BUSY_TEXT,
    504: "处理超时",
}


class RequestError(Exception):
    def __init__(self, status: int, message: Optional[str] = None):
        super().__init__(status, message)
        self.status, self.message = status, message or MESSAGES.get(status, "请求出错")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    token: Optional[str] = None
    workers: int = 2
    max_upload: int = DEFAULT_MAX_UPLOAD_MB * MiB  # bytes
    time_limit: float = jobs.DEFAULT_TIME_LIMIT
    log_names: bool = False
    max_requests: int = 32  # requests handled at once; more wait a little, then get 503
    queue_wait: float = jobs.QUEUE_WAIT


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# ---- request reading within bounds --------------------------------------------------------------------------

class _HeaderBudget:
    """The request's stream while its headers are read: at most ``limit`` bytes of them in all."""

    def __init__(self, stream, limit: int):
        self.stream, self.left = stream, limit

    def readline(self, size: int = -1) -> bytes:
        line = self.stream.readline(min(size if size >= 0 else self.left + 1, self.left + 1))
        self.left -= len(line)
        if self.left < 0:
            raise http.client.LineTooLong("header line")  # http.server answers 431
        return line


class _Reaper(threading.Thread):
    """Cuts the connections whose reading (or writing) is past its deadline: socket timeouts bound one
    read, this bounds a whole request that trickles in a byte at a time."""

    def __init__(self):
        super().__init__(name="replylint-reaper", daemon=True)
        self._deadlines: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def watch(self, sock: socket.socket, seconds: Optional[float]) -> None:
        with self._lock:
            if seconds is None:
                self._deadlines.pop(sock, None)
            else:
                self._deadlines[sock] = time.monotonic() + seconds

    def run(self) -> None:
        while not self._stop.wait(0.5):
            now = time.monotonic()
            with self._lock:
                late = [s for s, deadline in self._deadlines.items() if deadline < now]
                for sock in late:
                    del self._deadlines[sock]
            for sock in late:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        self._stop.set()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, settings: Settings, pool: Optional[jobs.Pool] = None):
        self.settings = settings
        if ":" in settings.host:
            self.address_family = socket.AF_INET6
        self.reaper = _Reaper()
        self.slots = threading.BoundedSemaphore(settings.max_requests)
        # letters read into memory at once (each may cost a few times its size while its form is parsed)
        self.uploads = threading.BoundedSemaphore(max(2, settings.workers * 2))
        self.pool = pool
        self.log_lock = threading.Lock()
        super().__init__((settings.host.strip("[]"), settings.port), Handler)
        if self.pool is None:
            self.pool = jobs.Pool(settings.workers, settings.time_limit, settings.queue_wait)
        self.reaper.start()

    def server_bind(self) -> None:
        # http.server would look the address up in DNS (getfqdn), which can take seconds on an office network
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, host: Optional[str] = None) -> str:
        host = host or self.settings.host
        if host in ("0.0.0.0", "::", ""):
            host = socket.gethostname()
        if ":" in host:
            host = f"[{host.strip('[]')}]"
        return f"http://{host}:{self.port}/"

    def process_request(self, request, client_address):
        # the cap: a request beyond it waits (up to 2 s, the others' turn) in the accept loop, then gets 503
        if not self.slots.acquire(timeout=2):
            self._busy(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.reaper.watch(request, None)
            self.slots.release()

    def _busy(self, request) -> None:
        body = json.dumps({"error": jobs.BUSY_TEXT, "status": 503}, ensure_ascii=False).encode("utf-8")
        try:
            request.settimeout(1)
            request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
                            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        except OSError:
            pass
        self.shutdown_request(request)

    def log(self, line: str) -> None:
        with self.log_lock:
            try:
                sys.stderr.write(line + "\n")
                sys.stderr.flush()
            except (OSError, ValueError):
                pass

    def close(self) -> None:
        """Stop answering and end the workers (after ``shutdown`` when ``serve_forever`` runs in a thread)."""
        self.reaper.stop()
        self.server_close()
        if self.pool is not None:
            self.pool.close()


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "replylint"
    timeout = SOCKET_TIMEOUT
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive holds a thread

    def version_string(self) -> str:
        return self.server_version  # no Python version for the network to read

    # ---- plumbing ----

    def setup(self) -> None:
        super().setup()
        self.started = time.monotonic()
        self.sent = (0, 0)  # status, bytes
        self.letter_name = None
        self.server.reaper.watch(self.connection, HEADER_SECONDS)

    def parse_request(self) -> bool:
        if len(self.raw_requestline) > MAX_REQUEST_LINE:
            self.command, self.request_version, self.requestline = None, "HTTP/1.0", ""
            self.send_error(414)
            return False
        stream, self.rfile = self.rfile, _HeaderBudget(self.rfile, MAX_HEADER_BYTES)
        try:
            return super().parse_request()
        finally:
            self.rfile = stream

    def send_error(self, code: int, message=None, explain=None) -> None:
        """Every error as JSON with a Chinese sentence (http.server's own, too: 400, 414, 431, 501 …)."""
        if self.request_version == "HTTP/0.9":  # a request line it could not read: answer as HTTP/1.0
            self.request_version = "HTTP/1.0"
        self.respond_json(code, {"error": MESSAGES.get(code, "请求出错"), "status": code})

    def log_request(self, code="-", size="-") -> None:
        pass  # logged once, in finish, with the time taken

    def log_error(self, format, *args) -> None:
        pass  # the status is in the line finish writes; http.server's messages may quote the request

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if getattr(self, "command", None):
                status, size = self.sent
                path = urlsplit(self.path).path if getattr(self, "path", None) else "-"
                name = f" {self.letter_name!r}" if self.server.settings.log_names and self.letter_name else ""
                self.server.log(f"{self.client_address[0]} {self.command} {path[:200]} {status} {size} "
                                f"{time.monotonic() - self.started:.3f}s{name}")

    def respond(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.server.reaper.watch(self.connection, BODY_SECONDS + len(body) / MIN_UPLOAD_RATE)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if (getattr(self, "path", "") or "").startswith("/api"):
            self.send_header("Cache-Control", "no-store")
        else:
            self.send_header("Cache-Control", "no-cache")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except OSError:
                pass
        self.sent = (status, len(body))
        self.close_connection = True

    def respond_json(self, status: int, data, headers: dict | None = None) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.respond(status, body, "application/json; charset=utf-8", headers)

    def fail(self, error: RequestError) -> None:
        allow = None
        if error.status == 405:
            allow = {"Allow": "GET, HEAD" if self.route() in self.GET_ROUTES else "POST"}
        self.respond_json(error.status, {"error": error.message, "status": error.status}, allow)

    # ---- routing ----

    GET_ROUTES = ("/", "/healthz", "/api/rules", "/favicon.ico") + tuple(f"/static/{n}" for n in STATIC if n != "index.html")
    POST_ROUTES = ("/api/check", "/api/fix", "/api/annotate")

    def route(self) -> str:
        return urlsplit(getattr(self, "path", "") or "").path

    def do_GET(self) -> None:
        self.handle_safely(self.get)

    def do_POST(self) -> None:
        self.handle_safely(self.post)

    def do_HEAD(self) -> None:
        self.handle_safely(self.get)

    def _not_allowed(self) -> None:
        self.handle_safely(self.other_method)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def other_method(self) -> None:
        raise RequestError(405 if self.route() in self.GET_ROUTES + self.POST_ROUTES else 404)

    def handle_safely(self, action) -> None:
        try:
            self.check_host()
            action()
        except _Answered:
            pass
        except RequestError as exc:
            self.fail(exc)
        except jobs.JobFailed as exc:
            self.fail(RequestError(exc.status, exc.message))
        except (ConnectionError, TimeoutError):  # socket.timeout is TimeoutError
            self.close_connection = True
        except Exception as exc:  # noqa: BLE001 - a defect answers 500, never a traceback to the client
            self.server.log(f"replylint serve: internal error {type(exc).__name__}: {exc}"[:500])
            self.fail(RequestError(500))

    def check_host(self) -> None:
        """On loopback without a token, only requests addressed to a loopback name: a web page elsewhere
        that has its own name point at 127.0.0.1 (DNS rebinding) cannot use the server."""
        if self.server.settings.token or not is_loopback(self.server.settings.host):
            return
        host = (self.headers.get("Host") or "").strip()
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]", 1)[0] + "]"
        if host and not is_loopback(name):
            raise RequestError(403)

    def authorized(self) -> bool:
        token = self.server.settings.token
        if not token:
            return True
        expected = token.encode("ascii")
        given = [self.headers.get("X-Replylint-Token", "")]
        auth = self.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer ":
            given.append(auth[7:].strip())
        for cookie in self.headers.get_all("Cookie") or ():
            for piece in cookie.split(";"):
                key, _, value = piece.strip().partition("=")
                if key == TOKEN_COOKIE:
                    given.append(value)
        # every candidate compared in full, whatever matched: the time taken says nothing
        return sum(hmac.compare_digest(g.encode("latin-1", "replace"), expected) for g in given if g) > 0

    def admit(self, path: str, routes: tuple, others: tuple) -> None:
        """405 for a route of the other method, 404 for none, 401 without the token."""
        if path in others:
            raise RequestError(405)
        if path not in routes:
            raise RequestError(404)
        if not self.authorized():
            raise RequestError(401)

    def get(self) -> None:
        path = self.route()
        if path == "/healthz":
            return self.respond_json(200, {"ok": True})
        if path == "/" and self.server.settings.token:
            query = parse_qs(urlsplit(self.path).query)
            if "token" in query:  # the login link: the token becomes a cookie, and the address bar loses it
                if not hmac.compare_digest(query["token"][0].encode("latin-1", "replace"),
                                           self.server.settings.token.encode("ascii")):
                    raise RequestError(401, "登录链接中的口令不对：请使用启动服务时显示的链接")
                cookie = f"{TOKEN_COOKIE}={self.server.settings.token}; HttpOnly; SameSite=Strict; Path=/"
                return self.respond(303, b"", "text/plain; charset=utf-8", {"Location": "/", "Set-Cookie": cookie})
        if path == "/" and not self.authorized():  # a person opening the plain address: a page, not JSON
            page = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>需要访问口令</title></head>'
                    f'<body><h1>需要访问口令</h1><p>{html.escape(MESSAGES[401])}。</p></body></html>')
            return self.respond(401, page.encode("utf-8"), "text/html; charset=utf-8")
        self.admit(path, self.GET_ROUTES, self.POST_ROUTES)
        if path == "/favicon.ico":
            return self.respond(204, b"", "image/x-icon")
        if path == "/api/rules":
            return self.respond(200, catalogue(), "application/json; charset=utf-8")
        name = "index.html" if path == "/" else path.rsplit("/", 1)[1]
        self.respond(200, static_file(name), STATIC[name])

    def post(self) -> None:
        path = self.route()
        try:
            self.admit(path, self.POST_ROUTES, self.GET_ROUTES)
            if not self.server.uploads.acquire(timeout=self.server.settings.queue_wait):
                raise RequestError(503)
        except RequestError as exc:
            if (self.headers.get("Content-Length") or "0").strip() not in ("", "0"):
                self.refuse_body(exc)  # answered before the body is read
            raise
        try:
            self.answer_post(path)
        finally:
            self.server.uploads.release()

    def answer_post(self, path: str) -> None:
        form = self.read_form()
        overrides = self.overrides(form)
        pool = self.server.pool
        if path == "/api/check":
            data, name = self.letter(form)
            self.respond_json(200, pool.run(jobs.check_job, data, name, overrides))
        elif path == "/api/fix":
            data, name = self.letter(form)
            accept = form.get("accept", ())
            self.respond_json(200, pool.run(jobs.fix_job, data, name, overrides, accept))
        else:
            mode = form.get("mode") or "comments"
            if mode not in ANNOTATE_MODES:
                raise RequestError(400, f"未知的批注方式 {str(mode)[:40]!r}（可用：{'、'.join(ANNOTATE_MODES)}）")
            data, name = self.letter(form, docx_only=True)
            package, comments = pool.run(jobs.annotate_job, data, name, overrides, mode)
            out = Path(name).stem + ".批注.docx"
            self.respond(200, package, DOCX_TYPE, {
                "Content-Disposition": f"attachment; filename=\"letter.docx\"; filename*=UTF-8''{quote(out, safe='')}",
                "X-Replylint-Comments": str(comments)})

    # ---- the request's content ----

    def read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise RequestError(411)
        length = self.headers.get("Content-Length")
        if length is None:
            raise RequestError(411)
        if not length.strip().isdigit():
            raise RequestError(400, "请求头 Content-Length 不是一个数字")
        size, limit = int(length), self.server.settings.max_upload
        if size > limit + FORM_SLACK:
            self.refuse_body(RequestError(413, f"文件太大：最大可上传 {limit / MiB:g} MB，这个请求有 {size / MiB:.1f} MB"))
        self.server.reaper.watch(self.connection, BODY_SECONDS + size / MIN_UPLOAD_RATE)
        chunks, left = [], size
        while left > 0:
            chunk = self.rfile.read(min(left, MiB))
            if not chunk:
                raise ConnectionError("the client stopped sending")
            chunks.append(chunk)
            left -= len(chunk)
        self.server.reaper.watch(self.connection, None)  # the job has its own time limit
        return b"".join(chunks)

    def refuse_body(self, error: RequestError) -> None:
        """Answer before the body is read, then take in (and drop) a little of what the client is still
        sending, so that the answer reaches it rather than a connection reset; then raise nothing more."""
        self.fail(error)
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.5)
            drained = 0
            while drained < 4 * MiB and self.rfile.read1(64 * 1024):
                drained += 64 * 1024
        except OSError:
            pass
        raise _Answered

    def read_form(self) -> dict:
        """The fields of a multipart form or a JSON object: file (bytes, name), text, profile, show_info, mode,
        accept."""
        body = self.read_body()
        ctype = self.headers.get("Content-Type") or ""
        main = ctype.split(";", 1)[0].strip().lower()
        if main == "application/json":
            return self.json_form(body)
        if main == "multipart/form-data":
            return self.multipart_form(ctype, body)
        raise RequestError(415, "请求的格式应为 multipart/form-data（上传文件）或 application/json（{\"text\": …}）")

    @staticmethod
    def json_form(body: bytes) -> dict:
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise RequestError(400, "请求体不是有效的 JSON（应为 UTF-8 编码的 {\"text\": \"…\"}）") from None
        if not isinstance(data, dict):
            raise RequestError(400, "JSON 请求应为一个对象，如 {\"text\": \"…\"}")
        form: dict = {}
        text = data.get("text")
        if text is not None:
            if not isinstance(text, str):
                raise RequestError(400, "JSON 中的 text 应为字符串")
            name = data.get("name") if isinstance(data.get("name"), str) else "letter.txt"
            form["file"] = (text.encode("utf-8"), name)
            form["pasted"] = True
        for key in ("profile", "mode"):
            if data.get(key) is not None:
                if not isinstance(data[key], str):
                    raise RequestError(400, f"JSON 中的 {key} 应为字符串")
                form[key] = data[key]
        form["show_info"] = data.get("show_info") is True
        accept = data.get("accept", [])
        if not isinstance(accept, list) or not all(isinstance(a, str) for a in accept):
            raise RequestError(400, "JSON 中的 accept 应为修正编号（字符串）的列表")
        form["accept"] = tuple(accept[:MAX_ACCEPT])
        return form

    @staticmethod
    def multipart_form(ctype: str, body: bytes) -> dict:
        head = b"Content-Type: " + ctype.encode("latin-1", "replace") + b"\r\nMIME-Version: 1.0\r\n\r\n"
        try:
            message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
            parts = list(message.iter_parts()) if message.is_multipart() else []
        except Exception:  # noqa: BLE001 - the email parser's errors on a malformed form
            parts = []
        if not parts:
            raise RequestError(400, "无法解析上传的表单（multipart/form-data）")
        if len(parts) > MAX_PARTS:
            raise RequestError(400, "上传的表单字段太多")
        form: dict = {"accept": ()}
        accept: list[str] = []
        for part in parts:
            field = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if field == "file":
                form["file"] = (payload, part.get_filename() or "letter.txt")
                continue
            value = payload.decode("utf-8", "replace")
            if field == "text":
                form["file"] = (value.encode("utf-8"), "letter.txt")
                form["pasted"] = True
            elif field in ("profile", "mode"):
                form[field] = value.strip()
            elif field == "show_info":
                form["show_info"] = value.strip() in ("1", "true", "on")
            elif field == "accept":
                accept.extend(v.strip() for v in value.split(",") if v.strip())
        form["accept"] = tuple(accept[:MAX_ACCEPT])
        return form

    def letter(self, form: dict, docx_only: bool = False) -> tuple[bytes, str]:
        """The letter's bytes and a name for it: the file name's last part, never a path (it is not opened)."""
        if "file" not in form:
            raise RequestError(400, "请上传答复函文件（表单字段 file），或给出文字（JSON 的 text）")
        data, raw = form["file"]
        name = clean_name(raw)
        if form.get("pasted") and Path(name).suffix.lower() not in TEXT_SUFFIXES:
            name = Path(name).stem + ".txt"  # pasted text is text, whatever the name says
        self.letter_name = name
        suffix = Path(name).suffix.lower()
        if docx_only and suffix != ".docx":
            if suffix in (".doc", ".wps"):
                from ..sources.legacy import how_to_convert

                raise RequestError(415, f"只能给 Word 文件（.docx）加批注：{how_to_convert(suffix)}")
            raise RequestError(415, "只能给 Word 文件（.docx）加批注；PDF、OFD 和文本文件请看检查结果或下载修正后的文本")
        if suffix not in UPLOAD_SUFFIXES:
            shown = suffix or "无扩展名"
            raise RequestError(415, f"不支持的文件类型 “{shown[:20]}”（支持：{'、'.join(UPLOAD_SUFFIXES[:5])}；"
                                    "旧版 .doc、.wps 请先另存为 .docx）")
        return data, name

    def overrides(self, form: dict):
        """The settings a request asks for (a shipped profile, 显示提示); no config file is ever read."""
        from ..config import ConfigError, Overrides

        profile = form.get("profile") or None
        if profile is not None and not PROFILE_PATTERN.fullmatch(profile):
            raise RequestError(400, f"档案名称 {profile[:40]!r} 不正确：请选择自带的档案（如 three-grade、four-grade）")
        overrides = Overrides(isolated=True, profile=profile, show_info=True if form.get("show_info") else None)
        try:
            jobs.configurator(overrides).for_path("letter.txt")  # a bad profile: its message, here
        except ConfigError as exc:
            jobs.forget(overrides)
            raise RequestError(400, str(exc)) from None
        return overrides


class _Answered(RequestError):
    """The answer has been sent already (413 before the body)."""

    def __init__(self):
        super().__init__(0, "")


def clean_name(raw: str) -> str:
    """A name for messages and the download: the last part of what the browser sent, without control
    characters, at most 120 characters; "letter.txt" when nothing is left."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[:100] + dot + suffix[:10]) if dot else name[:120]
    return name if name not in ("", ".", "..") else "letter.txt"


_CATALOGUE: list[bytes] = []


def catalogue() -> bytes:
    """``replylint rules --format json``, made once."""
    if not _CATALOGUE:
        from ..engine import load_rules
        from ..reporters.rules import rule_to_dict

        text = json.dumps([rule_to_dict(r) for r in load_rules()], ensure_ascii=False, indent=2) + "\n"
        _CATALOGUE.append(text.encode("utf-8"))
    return _CATALOGUE[0]


def static_file(name: str) -> bytes:
    """One of the page's three files (``STATIC``), from the package."""
    from importlib.resources import files

    try:
        return (files("checker.serve") / "static" / name).read_bytes()
    except OSError:
        raise RequestError(404, "网页文件缺失：请重新安装 replylint") from None


def make_server(settings: Settings, pool: Optional[jobs.Pool] = None) -> Server:
    """A server bound to ``settings.host``/``port`` (port 0: a free one), with its worker pool started."""
    if settings.token is not None and not TOKEN_PATTERN.fullmatch(settings.token):
        raise ValueError("token")
    catalogue()  # the rules load before the workers start: a broken rule file stops here, with its message
    return Server(settings, pool)


__all__ = ["Server", "Settings", "make_server", "is_loopback", "TOKEN_PATTERN", "DEFAULT_PORT", "DEFAULT_MAX_UPLOAD_MB"]
