/* replylint serve: the page. Plain script, no framework, no other source (the policy allows only this origin).

   Every text from a letter, a file name or the server goes in with textContent, never as markup.
   Positions from the checker are 1-based lines and code-point columns, the end exclusive; a line is cut as an
   array of code points (Array.from), so a character outside the BMP (𠮷) counts as one column, as in Python.
   Overlapping findings never nest: a line is cut at every start and end of a finding and each piece is one
   <mark> naming all the findings over it (data-f), coloured by the gravest, as checker/reporters/html.py does;
   a finding about a missing element (缺少签发人) is a badge 缺：签发人 where the element belongs. */
(function () {
  "use strict";

  var SEVERITY_LABELS = { error: "错误", warning: "警告", info: "提示" };
  var RANK = { error: 2, warning: 1, info: 0 };
  var KIND_LABELS = { "npc-suggestion": "人大代表建议答复", "cppcc-proposal": "政协委员提案答复", unknown: "类型未识别" };
  var SOURCE_LABELS = { docx: "Word 文件", pdf: "PDF 文件", ofd: "OFD 文件", text: "文本" };
  var APPLIES = { both: "建议、提案", "npc-suggestion": "人大代表建议", "cppcc-proposal": "政协委员提案" };
  var ACCEPTED = [".docx", ".pdf", ".ofd", ".txt", ".md", ".text", ".markdown"];  // what the server reads
  var PASTED_NAME = "粘贴的文字.txt";

  var state = {
    source: null,   // {type: "file", file: File} or {type: "text"} (the paste box, read when sent)
    checked: null,  // the source of the result shown: {type, file?, text?}
    data: null,     // the last /api/check answer
    catalogue: null, // GET /api/rules, by code (loaded on first 规则说明)
    busy: false
  };

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) { continue; }
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  // ---- messages, busy ------------------------------------------------------------------------------------

  function say(text) { $("status").textContent = text || ""; }

  function fail(text) {
    say("");
    $("error").textContent = text || "";
  }

  function UserError(message) { this.message = message; }

  function setBusy(on, text) {
    state.busy = on;
    $("busy").hidden = !on;
    $("busy-text").textContent = text || "正在处理…";
    $("results").setAttribute("aria-busy", on ? "true" : "false");
    ["check", "annotate", "fix", "pick"].forEach(function (id) { $(id).disabled = on; });
  }

  // ---- talking to the server ----------------------------------------------------------------------------

  function profile() { return $("profile").value; }
  function showInfo() { return $("show-info").checked; }

  function extension(name) {
    var dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot).toLowerCase();
  }

  function stem(name) {
    var dot = name.lastIndexOf(".");
    return dot <= 0 ? name : name.slice(0, dot);
  }

  // the body of a POST for ``source`` (a file as multipart, pasted text as JSON), with ``extra`` fields
  function requestFor(source, extra) {
    extra = extra || {};
    if (source.type === "file") {
      var form = new FormData();
      form.append("file", source.file, source.file.name);
      form.append("profile", profile());
      if (showInfo()) { form.append("show_info", "1"); }
      Object.keys(extra).forEach(function (key) {
        var value = extra[key];
        (Array.isArray(value) ? value : [value]).forEach(function (v) { form.append(key, v); });
      });
      return { body: form, headers: {} };
    }
    var payload = { text: source.text, name: PASTED_NAME, profile: profile(), show_info: showInfo() };
    Object.keys(extra).forEach(function (key) { payload[key] = extra[key]; });
    return { body: JSON.stringify(payload), headers: { "Content-Type": "application/json" } };
  }

  function post(path, source, extra) {
    var request = requestFor(source, extra);
    return fetch(path, { method: "POST", body: request.body, headers: request.headers, credentials: "same-origin" })
      .catch(function () {
        throw new UserError("无法连接检查服务。请确认运行 replylint serve 的窗口还开着，然后重试。");
      })
      .then(checkResponse);
  }

  function checkResponse(response) {
    if (response.ok) { return response; }
    return response.json().catch(function () { return null; }).then(function (body) {
      var message = body && typeof body.error === "string" && body.error ? body.error : null;
      if (!message) {
        message = response.status === 401 ? "需要访问口令：请用管理员给您的登录链接打开这个页面。"
          : "检查服务出错（HTTP " + response.status + "），请稍后重试。";
      }
      throw new UserError(message);
    });
  }

  function report(error) {
    if (error instanceof UserError) { fail(error.message); return; }
    fail("页面出错：" + (error && error.message ? error.message : String(error)));
  }

  // ---- choosing the letter ------------------------------------------------------------------------------

  function showChosen() {
    var chosen = $("chosen");
    clear(chosen);
    var source = state.source;
    if (!source) { chosen.textContent = "还没有选择答复函。"; return; }
    if (source.type === "file") {
      append(chosen, "待检查的文件：", el("b", null, source.file.name));
    } else {
      var count = Array.from($("text").value).length;
      append(chosen, "待检查：", el("b", null, "粘贴的文字"), "（" + count + " 字）");
    }
  }

  function chooseFile(file) {
    if (!file) { return; }
    var ext = extension(file.name);
    if (ext === ".doc" || ext === ".wps") {
      fail("“" + file.name + "”是旧版 Word/WPS 文件：请在 Word 或 WPS 中“另存为” .docx 后再检查。");
      return;
    }
    if (ACCEPTED.indexOf(ext) < 0) {
      fail("不能检查“" + file.name + "”：只能检查 .docx、.pdf、.ofd、.txt 或 .md 文件。");
      return;
    }
    state.source = { type: "file", file: file };
    showChosen();
    check();
  }

  function currentSource() {
    var source = state.source;
    if (!source && $("text").value.trim()) { source = state.source = { type: "text" }; }
    if (!source) { return null; }
    if (source.type === "text") { return { type: "text", text: $("text").value }; }
    return source;
  }

  // ---- checking ----------------------------------------------------------------------------------------

  function check() {
    if (state.busy) { return; }
    var source = currentSource();
    if (!source) { fail("请先选择答复函文件，或把全文粘贴到文本框里。"); return; }
    if (source.type === "text" && !source.text.trim()) { fail("文本框是空的：请粘贴答复函全文。"); return; }
    fail("");
    say("");
    setBusy(true, "正在检查…");
    var withInfo = showInfo();
    post("/api/check", source)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        setBusy(false);
        var file = data.report && data.report.files && data.report.files[0];
        if (!file) { throw new UserError("检查服务的回答不完整，请重试。"); }
        if (file.error) { throw new UserError("无法检查：" + file.error); }
        // check --format json keeps the 提示 (a machine format): without 显示提示 the page leaves them out
        var all = Array.isArray(file.diagnostics) ? file.diagnostics : [];
        file.diagnostics = withInfo ? all : all.filter(function (d) { return d.severity !== "info"; });
        data.hidden_info = withInfo ? 0 : Math.max(Number(data.hidden_info) || 0, all.length - file.diagnostics.length);
        state.data = data;
        state.checked = source;
        render(data, source);
        say("检查完成：" + summaryText(file, data.hidden_info) + "。");
      })
      .catch(function (error) { setBusy(false); report(error); });
  }

  function count(file, severity) {
    return file.diagnostics.filter(function (d) { return d.severity === severity; }).length;
  }

  function summaryText(file, hidden) {
    var n = file.diagnostics.length;
    var parts = [];
    if (!n) { parts.push("未发现问题"); } else {
      parts.push(count(file, "error") + " 个错误", count(file, "warning") + " 个警告");
      if (count(file, "info")) { parts.push(count(file, "info") + " 个提示"); }
    }
    var text = parts.join("，");
    if (hidden) { text += "；另有 " + hidden + " 个提示未显示（勾选“显示提示”可以看到）"; }
    return text;
  }

  // ---- what a rule says --------------------------------------------------------------------------------

  function ruleInfo(code) {
    var data = state.data;
    var info = data && data.rules && data.rules[code];
    if (!info && state.catalogue) { info = state.catalogue[code]; }
    return info || null;
  }

  // the element a "missing" finding reports absent (签发人), else null: the server's ``missing`` when it gives
  // one (html.py's RuleInfo.missing), else as html.py falls back: a title 缺少… names the element
  function missingOf(d) {
    var info = ruleInfo(d.code);
    if (info && Object.prototype.hasOwnProperty.call(info, "missing")) { return info.missing || null; }
    var title = (info && info.title) || d.title || "";
    return title.indexOf("缺少") === 0 && title.length > 2 ? title.slice(2) : null;
  }

  function titleOf(d) {
    var info = ruleInfo(d.code);
    return (info && info.title) || d.title || "";
  }

  function label(p) {
    return [SEVERITY_LABELS[p.d.severity], p.d.code, titleOf(p.d)].filter(Boolean).join(" ");
  }

  // ---- placing the findings on the lines (html.py's _place) --------------------------------------------

  function sortKey(a, b) {
    return a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  }

  // ``lines``: each line as an array of code points; columns in code points
  function place(diagnostics, lines) {
    var last = lines.length;
    var placed = [];
    var ranges = {};
    var gaps = {};
    function add(map, key, item) { (map[key] = map[key] || []).push(item); }
    diagnostics.slice().sort(sortKey).forEach(function (d, index) {
      var p = { d: d, key: String(index), n: index + 1, line: 0 };
      placed.push(p);
      if (!(d.line >= 1 && d.line <= last)) { add(gaps, 0, [0, p]); return; }
      p.line = d.line;
      var text = lines[d.line - 1];
      var start = Math.min(Math.max(0, d.column - 1), text.length);
      if (missingOf(d) !== null) { add(gaps, d.line, [start, p]); return; }
      var pieces = [];
      for (var number = d.line; number <= Math.min(d.end_line, last); number++) {
        var lineText = lines[number - 1];
        var begin = number === d.line ? start : 0;
        var end = number === d.end_line ? d.end_column - 1 : lineText.length;
        end = Math.min(Math.max(end, 0), lineText.length);
        if (end > begin) { pieces.push([number, begin, end]); }
      }
      if (!pieces.length) { add(gaps, d.line, [start, p]); return; }
      pieces.forEach(function (piece) { add(ranges, piece[0], [piece[1], piece[2], p]); });
    });
    return { placed: placed, ranges: ranges, gaps: gaps };
  }

  function badge(p, first) {
    var missing = missingOf(p.d);
    var mark = el("mark", "gap " + p.d.severity, missing ? "缺：" + missing : (titleOf(p.d) || p.d.code));
    mark.dataset.f = p.key;
    if (!first[p.key]) { first[p.key] = true; mark.dataset.n = String(p.n); }
    mark.title = label(p) + "：" + p.d.message;
    mark.tabIndex = -1;
    return mark;
  }

  // one line (an array of code points) cut at every start and end of its findings (html.py's _line_html)
  function lineNodes(chars, ranges, gaps, first) {
    var frag = document.createDocumentFragment();
    if (!ranges.length && !gaps.length) { frag.appendChild(document.createTextNode(chars.join(""))); return frag; }
    var starts = {}, ends = {}, at = {}, cutSet = {};
    function add(map, key, p) { (map[key] = map[key] || []).push(p); cutSet[key] = true; }
    cutSet[0] = true;
    cutSet[chars.length] = true;
    ranges.forEach(function (r) { add(starts, r[0], r[2]); add(ends, r[1], r[2]); });
    gaps.forEach(function (g) { add(at, g[0], g[1]); });
    var cuts = Object.keys(cutSet).map(Number).sort(function (a, b) { return a - b; });
    var active = [];
    cuts.forEach(function (cut, i) {
      (ends[cut] || []).forEach(function (p) { active.splice(active.indexOf(p), 1); });
      (at[cut] || []).forEach(function (p) { frag.appendChild(badge(p, first)); });
      var fresh = starts[cut] || [];
      fresh.forEach(function (p) { active.push(p); });
      if (i + 1 === cuts.length) { return; }
      var piece = chars.slice(cut, cuts[i + 1]).join("");
      if (!active.length) { frag.appendChild(document.createTextNode(piece)); return; }
      var gravest = active.reduce(function (g, p) { return RANK[p.d.severity] > RANK[g.d.severity] ? p : g; });
      var mark = el("mark", gravest.d.severity + (active.length > 1 ? " several" : ""), piece);
      mark.dataset.f = active.map(function (p) { return p.key; }).join(" ");
      mark.title = active.map(function (p) { return label(p) + "：" + p.d.message; }).join("；");
      mark.tabIndex = -1;
      var numbers = fresh.filter(function (p) { return !first[p.key]; });
      numbers.forEach(function (p) { first[p.key] = true; });
      if (numbers.length) { mark.dataset.n = numbers.map(function (p) { return p.n; }).join(","); }
      frag.appendChild(mark);
    });
    return frag;
  }

  // ---- drawing the result ------------------------------------------------------------------------------

  function fixNode(d, lines) {
    var fix = d.fix;
    if (!fix) { return null; }
    var original = null;  // the JSON has no ``original``: the text the fix replaces, when on one line
    if (fix.line === fix.end_line && fix.line >= 1 && fix.line <= lines.length) {
      original = Array.from(lines[fix.line - 1]).slice(fix.column - 1, fix.end_column - 1).join("");
    }
    var verb = original === "" ? "建议加上" : fix.replacement === "" ? "建议删去" : "建议改为";
    var badge = fix.safe ? el("span", "safe", "可自动修正") : el("span", "unsafe", "需人工确认");
    if (verb === "建议删去" && !original) { return append(el("div", "fix"), "建议删去这段文字", badge); }
    var shown = verb === "建议删去" ? original : fix.replacement;
    return append(el("div", "fix"), verb + "：“", el("span", "repl", shown), "”", badge);
  }

  function findingNode(p, lines) {
    var d = p.d;
    var info = ruleInfo(d.code);
    var li = el("li", "finding " + d.severity);
    li.id = "f-" + p.key;
    li.dataset.f = p.key;
    var goto = el("button", "goto");
    goto.type = "button";
    goto.dataset.f = p.key;
    var where = p.line ? "第 " + d.line + " 行第 " + d.column + " 列" : "文末";
    if (d.location) { where += " · " + d.location; }
    append(goto, el("span", "num", p.n), el("span", "sev " + d.severity, SEVERITY_LABELS[d.severity]),
      el("span", "ftitle", titleOf(d) || d.code), " ", el("code", null, d.code), el("span", "where", where));
    goto.title = "在原文中标出这一处";
    var source = info && info.source;
    var explain = el("button", "explain", "规则说明");
    explain.type = "button";
    explain.dataset.code = d.code;
    explain.setAttribute("aria-label", "规则说明：" + d.code + " " + (titleOf(d) || ""));
    append(li, goto, el("div", "msg", d.message), fixNode(d, lines),
      source ? el("div", "src", "依据：" + source) : null, explain);
    return li;
  }

  function countsNode(file, hidden) {
    var node = document.createDocumentFragment();
    ["error", "warning"].forEach(function (s, i) {
      if (i) { node.appendChild(document.createTextNode("，")); }
      node.appendChild(el("span", "count " + s, SEVERITY_LABELS[s] + " " + count(file, s)));
    });
    node.appendChild(document.createTextNode("，"));
    var info = count(file, "info");
    node.appendChild(el("span", "count info", hidden ? "提示 " + hidden + " 个未显示" : "提示 " + info));
    return node;
  }

  function render(data, source) {
    var file = data.report.files[0];
    var lines = Array.isArray(data.lines) ? data.lines : [];
    var chars = lines.map(function (line) { return Array.from(String(line)); });
    var where = place(file.diagnostics || [], chars);
    var name = source.type === "file" ? source.file.name : "粘贴的文字";

    $("res-name").textContent = name;
    var kind = KIND_LABELS[file.kind] || file.kind || "";
    var meta = [SOURCE_LABELS[data.kind] || "", kind, "共 " + lines.length + " 行",
      "检查时间 " + new Date().toLocaleString("zh-CN", { hour12: false }),
      data.report.tool ? "replylint " + data.report.tool.version : ""].filter(Boolean);
    $("res-meta").textContent = meta.join(" · ");
    var counts = $("counts");
    clear(counts);
    counts.appendChild(countsNode(file, data.hidden_info || 0));

    $("annotate-box").hidden = !(data.kind === "docx" && source.type === "file");

    var letter = $("letter");
    clear(letter);
    var byLine = {};
    where.placed.forEach(function (p) { (byLine[p.line] = byLine[p.line] || []).push(p); });
    var first = {};
    chars.forEach(function (lineChars, i) {
      var number = i + 1;
      var ranges = where.ranges[number] || [];
      var gaps = where.gaps[number] || [];
      var blank = !lineChars.join("").trim() && !gaps.length && !ranges.length;
      var row = el("div", "row" + (byLine[number] ? " noted" : blank ? " blank" : ""));
      row.id = "l-" + number;
      append(row, el("span", "ln", number), append(el("div", "text"), lineNodes(lineChars, ranges, gaps, first)));
      letter.appendChild(row);
    });
    if ((where.gaps[0] || []).length) {
      var end = el("div", "row noted end");
      end.id = "l-end";
      var text = el("div", "text");
      where.gaps[0].forEach(function (g) { text.appendChild(badge(g[1], first)); });
      append(end, el("span", "ln", "文末"), text);
      letter.appendChild(end);
    }

    var list = $("findings");
    clear(list);
    where.placed.forEach(function (p) { list.appendChild(findingNode(p, lines)); });
    $("none").hidden = where.placed.length > 0;
    $("results").hidden = false;
  }

  // ---- marking a finding's place ----------------------------------------------------------------------

  function marksOf(key) {
    return Array.prototype.slice.call($("letter").querySelectorAll("mark")).filter(function (m) {
      return (m.dataset.f || "").split(" ").indexOf(key) >= 0;
    });
  }

  function keysOf(node) { return (node.dataset.f || "").split(" ").filter(Boolean); }

  function unmark() {
    Array.prototype.forEach.call(document.querySelectorAll(".current"), function (n) { n.classList.remove("current"); });
  }

  // the finding ``key``: its marks and its item lit; ``to`` = "text" scrolls to and focuses its first mark,
  // "list" its item in the list
  function select(key, to) {
    unmark();
    var marks = marksOf(key);
    var item = $("f-" + key);
    marks.forEach(function (m) { m.classList.add("current"); });
    if (item) { item.classList.add("current"); }
    if (to === "text" && marks.length) {
      marks[0].scrollIntoView({ block: "center", inline: "nearest" });
      marks[0].focus({ preventScroll: true });
    } else if (to === "list" && item) {
      item.scrollIntoView({ block: "nearest", inline: "nearest" });
      item.querySelector("button.goto").focus({ preventScroll: true });
    }
  }

  function light(node, on) {
    keysOf(node).forEach(function (key) {
      marksOf(key).forEach(function (m) { m.classList.toggle("lit", on); });
      var item = $("f-" + key);
      if (item) { item.classList.toggle("lit", on); }
    });
  }

  // ---- the rule's explanation ---------------------------------------------------------------------------

  function loadCatalogue() {
    if (state.catalogue) { return Promise.resolve(state.catalogue); }
    return fetch("/api/rules", { credentials: "same-origin" })
      .then(checkResponse)
      .then(function (response) { return response.json(); })
      .then(function (rules) {
        var byCode = {};
        (Array.isArray(rules) ? rules : rules.rules || []).forEach(function (r) { byCode[r.code] = r; });
        state.catalogue = byCode;
        return byCode;
      });
  }

  // the rule's pass/fail examples when the catalogue has them: {pass: [...], fail: [...]}, each a text or
  // {parts: [{caption, lines}], note} (the parts ``explain`` prints: a caption, then the letter's lines)
  function exampleNodes(rule) {
    var examples = rule.examples;
    if (!examples || typeof examples !== "object") { return null; }
    var box = el("div", "examples");
    [["pass", "正确示例"], ["fail", "错误示例"]].forEach(function (kind) {
      var items = examples[kind[0]];
      if (!Array.isArray(items) || !items.length) { return; }
      box.appendChild(el("h3", null, kind[1]));
      items.forEach(function (item) {
        if (typeof item === "string") { box.appendChild(el("pre", null, item)); return; }
        if (!item || typeof item !== "object") { return; }
        (Array.isArray(item.parts) ? item.parts : []).forEach(function (part) {
          if (part.caption) { box.appendChild(el("p", "meta", part.caption)); }
          if (Array.isArray(part.lines) && part.lines.length) { box.appendChild(el("pre", null, part.lines.join("\n"))); }
        });
        if (typeof item.text === "string" && item.text) { box.appendChild(el("pre", null, item.text)); }
        if (item.note) { box.appendChild(el("p", "meta", "（" + item.note + "）")); }
      });
    });
    return box.childNodes.length ? box : null;
  }

  function explain(code, opener) {
    var dialog = $("explain");
    function show(rule) {
      var fromCheck = ruleInfo(code) || {};
      rule = rule || fromCheck;
      $("explain-title").textContent = code + " " + (rule.title || fromCheck.title || "");
      var meta = [rule.name || fromCheck.name, SEVERITY_LABELS[rule.severity],
        rule.applies_to ? "适用：" + (APPLIES[rule.applies_to] || rule.applies_to) : ""].filter(Boolean);
      $("explain-meta").textContent = meta.join(" · ");
      var body = $("explain-body");
      clear(body);
      var description = rule.description || fromCheck.description;
      if (description) { body.appendChild(el("p", "desc", description)); }
      var source = rule.source || fromCheck.source;
      if (source) { append(body, el("h3", null, "依据"), el("p", null, source)); }
      if (rule.message) {  // the rule's message template: its {placeholders} stand for the letter's text
        append(body, el("h3", null, "检查时的提示"), el("p", null, rule.message.replace(/\{[A-Za-z_][\w.]*\}/g, "…")));
      }
      if (rule.fixable !== undefined) {
        body.appendChild(el("p", "meta", rule.fixable ? (rule.safe_fix ? "这条规则的问题可以自动修正。"
          : "这条规则会给出修改建议，需要人工确认后采用。") : "这条规则的问题需要人工修改。"));
      }
      append(body, exampleNodes(rule));
      dialog.returnFocusTo = opener;
      if (!dialog.open) { dialog.showModal(); }
      $("explain-close").focus();
    }
    loadCatalogue().then(function (rules) { show(rules[code]); })
      .catch(function () { show(null); });
  }

  function closeDialog(dialog) {
    if (dialog.open) { dialog.close(); }
  }

  // ---- downloads ----------------------------------------------------------------------------------------

  function filenameFrom(header, fallback) {
    if (header) {
      var star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
      if (star) {
        try { return decodeURIComponent(star[1].trim().replace(/^"|"$/g, "")); } catch (e) { /* below */ }
      }
      var plain = /filename\s*=\s*"([^"]*)"/i.exec(header) || /filename\s*=\s*([^;]+)/i.exec(header);
      if (plain && plain[1].trim()) { return plain[1].trim(); }
    }
    return fallback;
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.className = "sr-only";
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function annotate() {
    var source = state.checked;
    if (state.busy || !source || source.type !== "file") { return; }
    var mode = $("mode").value;
    fail("");
    setBusy(true, "正在生成 Word 文件…");
    var fallback = stem(source.file.name) + ".批注.docx";
    post("/api/annotate", source, { mode: mode })
      .then(function (response) {
        var name = filenameFrom(response.headers.get("Content-Disposition"), fallback);
        var comments = response.headers.get("X-Replylint-Comments");
        return response.blob().then(function (blob) {
          setBusy(false);
          save(blob, name);
          var what = mode === "comments" ? "带批注的" : mode === "track-changes" ? "带修订的" : "改正后的";
          say("已下载" + what + " Word 文件“" + name + "”" + (comments !== null ? "（" + comments + " 条批注）" : "") + "。");
        });
      })
      .catch(function (error) { setBusy(false); report(error); });
  }

  function saveText(answer, source) {
    var name = answer.filename || (source.type === "file" ? stem(source.file.name) : stem(PASTED_NAME)) + ".修正.txt";
    save(new Blob([answer.text], { type: "text/plain;charset=utf-8" }), name);
    var applied = (answer.applied || []).length;
    say(applied ? "已下载修正后的文本“" + name + "”：改了 " + applied + " 处。"
      : "已下载文本“" + name + "”：没有可以自动修正的地方，内容与原文相同。");
  }

  function fix() {
    var source = state.checked;
    if (state.busy || !source) { return; }
    fail("");
    setBusy(true, "正在修正…");
    post("/api/fix", source)
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        setBusy(false);
        var unsafe = Array.isArray(answer.unsafe) ? answer.unsafe : [];
        if (!unsafe.length) { saveText(answer, source); return; }
        confirmUnsafe(unsafe, answer, source);
      })
      .catch(function (error) { setBusy(false); report(error); });
  }

  function confirmUnsafe(unsafe, answer, source) {
    var dialog = $("unsafe");
    var list = $("unsafe-list");
    clear(list);
    unsafe.forEach(function (u, i) {
      var box = el("input");
      box.type = "checkbox";
      box.value = u.id;
      box.id = "unsafe-" + i;
      var lab = el("label");
      lab.htmlFor = box.id;
      append(lab, box, el("b", null, "第 " + u.line + " 行第 " + u.column + " 列 · " + (u.title || u.code)), " ",
        el("code", null, u.code),
        append(el("span", "change"), "把“", el("del", null, u.original), "”改为“", el("ins", null, u.replacement), "”"),
        u.message ? el("span", "change meta", u.message) : null);
      list.appendChild(append(el("li"), lab));
    });
    $("unsafe-lead").textContent = "已应用 " + (answer.applied || []).length + " 处可以自动修正的地方。下面 " + unsafe.length +
      " 处修改不一定都对，请逐条看过，勾选要采用的；没有勾选的保持原样。";
    dialog.pending = { answer: answer, source: source };
    dialog.returnFocusTo = $("fix");
    dialog.showModal();
    var firstBox = list.querySelector("input");
    if (firstBox) { firstBox.focus(); }
  }

  function acceptUnsafe() {
    var dialog = $("unsafe");
    var pending = dialog.pending;
    var accepted = Array.prototype.map.call(dialog.querySelectorAll("input:checked"), function (b) { return b.value; });
    closeDialog(dialog);
    if (!pending) { return; }
    if (!accepted.length) { saveText(pending.answer, pending.source); return; }
    fail("");
    setBusy(true, "正在修正…");
    post("/api/fix", pending.source, { accept: accepted })
      .then(function (response) { return response.json(); })
      .then(function (answer) { setBusy(false); saveText(answer, pending.source); })
      .catch(function (error) { setBusy(false); report(error); });
  }

  // ---- wiring ---------------------------------------------------------------------------------------------

  function init() {
    $("pick").addEventListener("click", function () { $("file").click(); });
    $("file").addEventListener("change", function () {
      var file = this.files && this.files[0];
      this.value = "";  // choosing the same file again checks it again
      chooseFile(file);
    });
    ["dragenter", "dragover"].forEach(function (type) {
      document.addEventListener(type, function (e) {
        if (!e.dataTransfer || Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") < 0) { return; }
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        document.body.classList.add("dragging");
      });
    });
    document.addEventListener("dragleave", function (e) {
      if (!e.relatedTarget) { document.body.classList.remove("dragging"); }
    });
    document.addEventListener("drop", function (e) {
      document.body.classList.remove("dragging");
      if (!e.dataTransfer || !e.dataTransfer.files || !e.dataTransfer.files.length) { return; }
      e.preventDefault();  // anywhere on the page: the browser must not open the file instead
      chooseFile(e.dataTransfer.files[0]);
    });

    $("text").addEventListener("input", function () {
      state.source = this.value.trim() ? { type: "text" } : null;
      showChosen();
    });
    $("text").addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); }
    });
    $("check").addEventListener("click", check);
    ["profile", "show-info"].forEach(function (id) {
      $(id).addEventListener("change", function () { if (state.data) { check(); } });
    });

    $("annotate").addEventListener("click", annotate);
    $("fix").addEventListener("click", fix);
    $("print").addEventListener("click", function () { window.print(); });

    var list = $("findings");
    list.addEventListener("click", function (e) {
      var goto = e.target.closest("button.goto");
      if (goto) { select(goto.dataset.f, "text"); return; }
      var button = e.target.closest("button.explain");
      if (button) { explain(button.dataset.code, button); }
    });
    var letter = $("letter");
    letter.addEventListener("click", function (e) {
      var mark = e.target.closest("mark[data-f]");
      if (mark) { select(keysOf(mark)[0], "list"); }
    });
    letter.addEventListener("keydown", function (e) {
      var mark = e.target.closest && e.target.closest("mark[data-f]");
      if (mark && (e.key === "Enter" || e.key === " " || e.key === "Escape")) {
        e.preventDefault();
        select(keysOf(mark)[0], "list");
      }
    });
    [list, letter].forEach(function (pane) {
      pane.addEventListener("mouseover", function (e) {
        var t = e.target.closest("mark[data-f], li.finding");
        if (t) { light(t, true); }
      });
      pane.addEventListener("mouseout", function (e) {
        var t = e.target.closest("mark[data-f], li.finding");
        if (t) { light(t, false); }
      });
    });

    $("explain-close").addEventListener("click", function () { closeDialog($("explain")); });
    $("unsafe-ok").addEventListener("click", acceptUnsafe);
    $("unsafe-cancel").addEventListener("click", function () {
      closeDialog($("unsafe"));
      say("没有下载：修正已取消。");
    });
    ["explain", "unsafe"].forEach(function (id) {
      $(id).addEventListener("close", function () {
        var back = this.returnFocusTo;
        this.returnFocusTo = null;
        if (back && document.contains(back)) { back.focus(); }
      });
    });
    showChosen();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
