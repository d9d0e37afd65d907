""".doc and .wps (the binary Word 97–2003 and WPS formats, OLE compound files): converted, or explained.

replylint does not parse the binary formats itself. When LibreOffice (``soffice``) is installed, the file is
copied into a fresh temporary folder and converted there to .docx — never next to the input, which may be
on a read-only share, and LibreOffice would leave its lock file there — with its own throw-away profile, in
its own process group, killed when it runs past ``CONVERT_SECONDS``; the .docx is then read like any other.
Without LibreOffice the message says how to convert: 另存为 .docx in Word or WPS, or the soffice command.

The file's first bytes decide, not its extension: a “.doc” that is really a .docx (zip) is read as one; an
RTF or an HTML page saved as “.doc” (as some web systems export) is named for what it is.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from . import MAX_BYTES, Source, SourceError, read_file_bytes
from .safety import OLE_MAGIC, empty_file_error, ole_is_encrypted_package

CONVERT_SECONDS = 45

_NAMES = {".doc": "旧版 Word 文档（.doc）", ".wps": "WPS 文字文档（.wps）", ".docx": "旧版 Word/WPS 格式的文件"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def how_to_convert(claimed: str) -> str:
    name = "文件名" + (claimed if claimed in (".doc", ".wps") else ".doc")
    return (f"请在 Word 或 WPS 中打开，“另存为”Word 文档（*.docx）后再检查；或用 LibreOffice 转换："
            f"soffice --headless --convert-to docx {name}（装有 LibreOffice 时 replylint 会自动转换）")


def encrypted_message(claimed: str) -> str:
    if claimed == ".docx":
        return "Word 文档（.docx）设置了打开密码（已加密），无法读取：请在 Word 或 WPS 中取消密码后另存，再检查"
    return "这个文件设置了打开密码（已加密），无法读取：请在 Word 或 WPS 中取消密码后另存为 .docx，再检查"


def ole_message(data: bytes, claimed: str) -> str:
    """Why an OLE file (an encrypted .docx, a .doc or .wps) cannot be edited as a .docx, in plain words."""
    if ole_is_encrypted_package(data):
        return encrypted_message(claimed)
    return f"这是{_NAMES.get(claimed, '旧版 Word/WPS 文档')}，不是 .docx：" + how_to_convert(claimed)


def read_legacy(data: bytes, path: str, claimed: str | None = None) -> Source:
    claimed = (claimed or Path(path).suffix).lower()
    if not data:
        raise empty_file_error()
    if data.startswith(b"PK\x03\x04"):
        from .docx import read_docx  # a .docx with the old extension

        return read_docx(data, path)
    head = data[:2048].lstrip()
    if data.startswith(OLE_MAGIC):
        if ole_is_encrypted_package(data):  # how Word and WPS save a .docx with an opening password
            raise SourceError(encrypted_message(claimed))
        what = _NAMES.get(claimed, "旧版 Word/WPS 文档")
        suffix = ".wps" if claimed == ".wps" else ".doc"
    elif head.startswith(b"{\\rtf"):
        what, suffix = "RTF 格式的文件（扩展名为 " + claimed + "）", ".rtf"
    elif head[:15].lower().startswith((b"<html", b"<!doctype html", b"mime-version")) or b"<html" in head.lower():
        raise SourceError(f"这个“{claimed}”文件实际是网页（HTML/MHT）格式，不是 Word 文档：" + how_to_convert(claimed))
    else:
        raise SourceError(f"这不是有效的 Word/WPS 文件（不是 {claimed} 的文件格式），可能已损坏，或扩展名与实际格式不符")
    program = soffice()
    if program is None:
        raise SourceError(f"这是{what}，replylint 只能直接读取 .docx：" + how_to_convert(claimed))
    converted = convert_to_docx(program, data, suffix)
    from .docx import read_docx

    source = read_docx(converted, path)
    source.encoding = "docx"
    source.notes.append(f"{what}已由 LibreOffice 转换为 .docx 后检查")
    return source


def convert_to_docx(program: str, data: bytes, suffix: str) -> bytes:
    """Convert with LibreOffice in a temporary folder; raise ``SourceError`` if it fails or takes too long."""
    with tempfile.TemporaryDirectory(prefix="replylint-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"letter{suffix}"
        source.write_bytes(data)
        out = folder / "out"
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--nodefault", "--convert-to", "docx", "--outdir", str(out), str(source)]
        env = {**os.environ, "HOME": str(folder)}  # nothing of LibreOffice's lands in the user's home
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, cwd=folder, env=env, start_new_session=True)
        try:
            process.wait(timeout=CONVERT_SECONDS)
        except subprocess.TimeoutExpired:
            raise SourceError(f"用 LibreOffice 转换这个文件超过 {CONVERT_SECONDS} 秒仍未完成，已停止："
                              + how_to_convert(suffix)) from None
        finally:
            if process.poll() is None:
                _kill_group(process)
        result = out / "letter.docx"
        if process.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            raise SourceError("LibreOffice 未能转换这个文件（文件可能已损坏或设置了密码）：" + how_to_convert(suffix))
        converted = read_file_bytes(result)
        if len(converted) > MAX_BYTES:
            raise SourceError(f"LibreOffice 转换得到的 .docx 超过 {MAX_BYTES // 1024 // 1024} MiB，不像一封答复函，已跳过")
        return converted


def _kill_group(process: subprocess.Popen) -> None:
    """LibreOffice starts soffice.bin under a launcher: end the whole group it was started in."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
