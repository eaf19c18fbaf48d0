"""The outputs of ``cflint audit``, each a pure function of the audit document
(:func:`cflint.audit.document`): text summary, JSON, CSV (one row per finding), SARIF (one
run per host, ``automationDetails.id`` = ``cflint/audit/<host>/``) and a self-contained
HTML report (styles and scripts inline, no network). Registered, by name, in
:data:`cflint.formats.FORMATS`."""
from __future__ import annotations

import csv
import html
import io
import json

CSV_COLUMNS = ("host", "input", "code", "name", "level", "impacts", "path", "line", "column",
               "message", "fix", "fingerprint")


def render_json(doc: dict, **_options: object) -> str:
    return json.dumps(doc, indent=2) + "\n"


def render_csv(doc: dict, **_options: object) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for h in doc["hosts"]:
        for f in h["findings"]:
            w.writerow([h["host"], h["input"], f["code"], f.get("name") or "", f["level"],
                        ";".join(f["impacts"]), f["path"], f.get("line") or "",
                        f.get("column") or "", f["message"], f.get("fix") or "",
                        f["fingerprint"]])
    return out.getvalue()


def render_text(doc: dict, **_options: object) -> str:
    s = doc["summary"]
    lines = [f"{s['hosts']} host(s): STARTTLS off on {s['starttls_off']}, secrets exposed on "
             f"{s['secrets_exposed']}, unreadable {s['unreadable']}, clean {s['clean']}",
             f"findings: {s['by_level']['error']} error(s), {s['by_level']['warning']} "
             f"warning(s), {s['by_level']['note']} note(s)"]
    for h in doc["hosts"]:
        c = h["counts"]
        flags = [f"STARTTLS {h['starttls']}"]
        if h["secrets_exposed"]:
            flags.append("secrets exposed")
        if h["error"]:
            flags.append(h["error"])
        lines.append(f"  {h['host']}: {c['error']} error(s), {c['warning']} warning(s), "
                     f"{c['note']} note(s); {', '.join(flags)}")
        lines += [f"    {ln}" for ln in live_lines(h)]
    soon = [c for c in doc["certificates"] if c.get("days_left") is not None][:5]
    if soon:
        lines.append("certificates expiring soonest:")
        for c in soon:
            lines.append(f"  {c['not_after']}  {c['subject']}  ({', '.join(c['hosts'])})")
    return "\n".join(lines) + "\n"


def live_lines(h: dict) -> list[str]:
    """One line per probed port and per log summary row of a host."""
    out = []
    for entry in h.get("live") or []:
        if entry["kind"] == "probe":
            for r in entry["results"]:
                if r.get("error"):
                    state = f"error: {r['error']['message']}"
                elif r.get("smtps"):
                    state = "SMTPS"
                else:
                    state = "STARTTLS " + ("offered" if r.get("starttls_offered") else
                                           "NOT offered")
                cert = r.get("certificate") or {}
                verify = (r.get("verify") or {}).get("result")
                out.append(f"probe {r['uri']}: {state}"
                           + (f", {r['tls']['protocol']}" if r.get("tls") else "")
                           + (f", certificate {cert.get('subject')} (SHA-256 "
                              f"{cert.get('sha256')}, until {cert.get('not_after')})"
                              if cert else "")
                           + (f", verify {verify}" if verify and verify != "not-checked"
                              else ""))
        else:
            for row in entry["verify"]:
                counts = ", ".join(f"{v}={n}" for v, n in sorted(row["verify"].items()))
                out.append(f"log {entry['source']}: {row['relay']} as {row['side']}: "
                           f"{counts or '-'}")
    return out


def render_sarif(doc: dict, rules=None, root: str | None = None, **_options: object) -> str:
    from ..findings import Report
    from . import sarif
    from .json import finding_from_dict

    if rules is None:
        from ..engine import Engine

        rules = [r.meta for r in Engine().rules]
    by_code = {m.code: m for m in rules}
    runs = []
    for h in doc["hosts"]:
        findings = [finding_from_dict(f) for f in h["findings"]]
        used = sorted({f.code for f in findings} | set(by_code))
        report = Report(findings=findings, rules=[by_code[c] for c in used if c in by_code],
                        inputs=[h["input"]] if h["input"] else [], root=root, successful=h["error"] is None,
                        notifications=[h["error"]] if h["error"] else [])
        from .. import __version__

        report.tool_version = __version__
        runs.extend(sarif.document(report, category=f"cflint/audit/{h['host']}")["runs"])
    log = sarif.document(Report(findings=[], rules=[]), category="cflint/audit")
    log["runs"] = runs
    return json.dumps(log, indent=2) + "\n"


# ---------------------------------------------------------------------------- HTML

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1d2330;background:#fafbfc}
h1{margin:0 0 .2em}h2{margin-top:2em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
.cards{display:flex;flex-wrap:wrap;gap:1em;margin:1em 0}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.7em 1.2em;min-width:9em}
.card b{display:block;font-size:1.8em}
table{border-collapse:collapse;background:#fff;width:100%;margin:.5em 0}
th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f0f3f6;cursor:pointer;user-select:none}th.sorted-asc:after{content:" \\25b2"}
th.sorted-desc:after{content:" \\25bc"}
.off,.error{color:#b3261e;font-weight:600}.on{color:#1a7f37;font-weight:600}
.warning{color:#9a6700;font-weight:600}.note{color:#57606a}
pre{white-space:pre-wrap;margin:0;font:12px/1.4 ui-monospace,monospace}code{word-break:break-all}
.controls{margin:.5em 0}.controls input,.controls select{padding:.3em;margin-right:.5em}
dl{margin:0}dt{font-weight:600;display:inline}dd{display:inline;margin:0 1em 0 .3em}
"""

_JS = """
(function(){
  var table=document.getElementById('hosts');
  function key(td){var v=td.getAttribute('data-sort');if(v===null)v=td.textContent;
    var n=parseFloat(v);return isNaN(n)||!/^-?[0-9.]+$/.test(v.trim())?v.toLowerCase():n;}
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.addEventListener('click',function(){
      var asc=!th.classList.contains('sorted-asc');
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){
        o.classList.remove('sorted-asc','sorted-desc');});
      th.classList.add(asc?'sorted-asc':'sorted-desc');
      var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){var x=key(a.cells[i]),y=key(b.cells[i]);
        if(x<y)return asc?-1:1;if(x>y)return asc?1:-1;return 0;});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  var text=document.getElementById('filter'),state=document.getElementById('filter-starttls');
  function apply(){var q=text.value.toLowerCase(),s=state.value;
    Array.prototype.forEach.call(table.tBodies[0].rows,function(r){
      var ok=(!q||r.textContent.toLowerCase().indexOf(q)>=0)&&
             (!s||r.getAttribute('data-starttls')===s);
      r.style.display=ok?'':'none';});}
  text.addEventListener('input',apply);state.addEventListener('change',apply);
})();
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _anchor(host: str) -> str:
    return "host-" + "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in host)


def render_html(doc: dict, **_options: object) -> str:
    s = doc["summary"]
    cards = [("hosts", "hosts", s["hosts"]), ("starttls-off", "STARTTLS off", s["starttls_off"]),
             ("secrets-exposed", "secrets exposed", s["secrets_exposed"]),
             ("unreadable", "unreadable", s["unreadable"]), ("clean", "clean", s["clean"]),
             ("errors", "errors", s["by_level"]["error"]),
             ("warnings", "warnings", s["by_level"]["warning"]),
             ("notes", "notes", s["by_level"]["note"])]
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>cflint audit</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>cflint audit</h1>", f"<p>Generated {_e(doc['generated'])}.</p>",
             '<div class="cards">']
    for cid, label, n in cards:
        parts.append(f'<div class="card"><b id="summary-{cid}">{n}</b>{_e(label)}</div>')
    parts.append("</div>")
    if s["by_impact"]:
        parts.append("<p>Findings by impact: " + ", ".join(
            f'<span data-impact="{_e(k)}">{_e(k)}: {v}</span>'
            for k, v in s["by_impact"].items()) + "</p>")
    parts += ["<h2>Hosts</h2>", '<div class="controls">',
              '<input id="filter" type="search" placeholder="filter hosts">',
              '<select id="filter-starttls"><option value="">any STARTTLS state</option>',
              '<option value="on">STARTTLS on</option><option value="off">STARTTLS off'
              '</option><option value="no-mta">no MTA config</option>'
              '<option value="unknown">unknown</option></select></div>',
              '<table id="hosts"><thead><tr><th>host</th><th>STARTTLS</th>'
              "<th>secrets exposed</th><th>errors</th><th>warnings</th><th>notes</th>"
              "</tr></thead><tbody>"]
    for h in doc["hosts"]:
        c = h["counts"]
        parts.append(
            f'<tr data-host="{_e(h["host"])}" data-starttls="{_e(h["starttls"])}">'
            f'<td><a href="#{_anchor(h["host"])}">{_e(h["host"])}</a></td>'
            f'<td class="{_e(h["starttls"])}">{_e(h["starttls"])}</td>'
            f'<td data-sort="{int(bool(h["secrets_exposed"]))}">'
            f'{"yes" if h["secrets_exposed"] else "no"}</td>'
            f'<td>{c["error"]}</td><td>{c["warning"]}</td><td>{c["note"]}</td></tr>')
    parts.append("</tbody></table>")
    parts.append("<h2>Certificates</h2>")
    parts.append('<table id="certificates"><thead><tr><th>expires</th><th>days left</th>'
                 "<th>subject</th><th>issuer</th><th>SHA-256</th><th>hosts</th></tr></thead>"
                 "<tbody>")
    for c in doc["certificates"]:
        parts.append(f"<tr><td>{_e(c['not_after'])}</td><td>{_e(c.get('days_left'))}</td>"
                     f"<td>{_e(c['subject'])}</td><td>{_e(c['issuer'])}</td>"
                     f"<td><code>{_e(c['sha256'])}</code></td>"
                     f"<td>{_e(', '.join(c['hosts']))}</td></tr>")
    parts.append("</tbody></table>")
    for h in doc["hosts"]:
        parts.append(f'<h2 id="{_anchor(h["host"])}">{_e(h["host"])}</h2>')
        parts.append(f"<p>Input {_e(h['input'] or 'none (live results only)')}; STARTTLS <span class=\"{_e(h['starttls'])}\">"
                     f"{_e(h['starttls'])}</span>"
                     + (f"; <span class=\"error\">{_e(h['error'])}</span>" if h["error"] else "")
                     + "</p>")
        live = live_lines(h)
        if live:
            parts.append('<ul class="live">' + "".join(f"<li>{_e(x)}</li>" for x in live)
                         + "</ul>")
        if not h["findings"]:
            parts.append("<p>No findings.</p>")
            continue
        parts.append('<table class="findings"><thead><tr><th>level</th><th>rule</th>'
                     "<th>where</th><th>what</th><th>fix</th><th>evidence</th></tr></thead>"
                     "<tbody>")
        for f in h["findings"]:
            where = _e(f["path"]) + (f":{f['line']}" if f.get("line") else "")
            related = "".join(f"<br><small>see {_e(r['path'])}"
                              f"{':' + str(r['line']) if r.get('line') else ''}"
                              f"{' (' + _e(r['note']) + ')' if r.get('note') else ''}</small>"
                              for r in f.get("related") or [])
            ev = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>"
                         for k, v in (f.get("evidence") or {}).items())
            parts.append(f'<tr><td class="{_e(f["level"])}">{_e(f["level"])}</td>'
                         f"<td>{_e(f['code'])} {_e(f.get('name'))}</td><td>{where}{related}</td>"
                         f"<td>{_e(f['message'])}<br><small>{_e(', '.join(f['impacts']))}"
                         f"</small></td><td><pre>{_e(f.get('fix'))}</pre></td>"
                         f"<td><dl>{ev}</dl></td></tr>")
        parts.append("</tbody></table>")
    parts.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(parts) + "\n"

