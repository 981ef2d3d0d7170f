"""Report pages: a notebook as standalone HTML without code, and the index of all periods."""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path

from ..present.exports import atomic_write

__all__ = ["to_html", "write_index", "title_block", "record_runs"]


#: one stylesheet for every page and the dashboard: readable type, CJK fonts, three-line tables
CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;
 color:#1f2933;max-width:1100px;margin:0 auto;padding:24px 32px;line-height:1.55;background:#fff}
header.titleblock{border-bottom:3px solid #1f4e79;margin-bottom:18px;padding-bottom:8px}
header.titleblock h1{margin:0;font-size:28px;color:#1f4e79}
header.titleblock .meta{margin:4px 0 0;color:#52606d;font-size:14px}
h2{font-size:21px;color:#1f4e79;border-bottom:1px solid #d9e2ec;padding-bottom:4px;margin-top:32px}
p.say{font-size:15px;max-width:60em}
p.summary,ul.summary{font-size:16px;background:#f0f4f8;border-left:4px solid #1f4e79;padding:10px 14px}
ul.summary{padding-left:34px}
nav.toc{font-size:14px;background:#f8fafc;padding:6px 14px;border-radius:4px}
nav.toc ul{margin:4px 0;padding-left:18px}
nav.back{font-size:14px;margin-bottom:8px}
table.three-line{border-collapse:collapse;margin:8px 0 4px;font-size:14px}
img{max-width:100%}
.jp-OutputArea-output pre{white-space:pre-wrap}
"""


def _period_name(period: str, lang: str) -> str:
    from ..present.text import period_name

    return period_name(period, lang) if period else ""


def title_block(page: str, *, lang: str, firm: str = "", period: str = "", generated: str | None = None) -> str:
    """The block that opens every page: its name, then firm · period · date generated · language."""
    import datetime as _dt

    from ..present.labels import label

    generated = generated or _dt.date.today().isoformat()
    meta = [firm, _period_name(period, lang), f"{label('generated', lang, ns='page')} {generated}",
            label("language_name", lang, ns="page")]
    return (f"<header class='titleblock'><h1>{html.escape(label(page, lang, ns='page'))}</h1>"
            f"<p class='meta'>{html.escape(' · '.join(m for m in meta if m))}</p></header>")


def _headings(nb) -> list[tuple[int, str, str]]:
    """(level, id, text) of the page title and section headings the notebook's outputs show."""
    import re

    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            h = o.get("data", {}).get("text/html", "") if o.get("output_type") in ("display_data", "execute_result") else ""
            h = "".join(h) if isinstance(h, list) else h
            for m in re.finditer(r"<h([12])(?: id='([^']*)')?>(.*?)</h\1>", h, flags=re.S):
                out.append((int(m.group(1)), m.group(2) or "", html.unescape(m.group(3))))
    return out


@functools.cache
def _exporter():
    """nbconvert's HTML exporter without its last step, which parses the finished page again with
    BeautifulSoup (embedded figures included: a third of the export's time) to give images without
    alternative text a placeholder and outputs a tabindex. Every figure on a report page carries its
    own alt text (ReportContext.figure) and the pages show no code cells to step through."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            info = nb.metadata.get("language_info", {})
            self.register_filter("highlight_code", Highlight2HTML(
                pygments_lexer=info.get("pygments_lexer", info.get("name")), parent=self))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def to_html(ipynb: Path, html_path: Path, *, period: str = "", lang: str = "en") -> None:
    """Standalone HTML of an executed report notebook: no code, no cells tagged ``doc`` (the
    bilingual notes for whoever edits the notebook), a ``<title>`` naming the page and the period,
    the page's language in ``<html lang>``, a link back to the dashboard, a table of contents of the
    sections, one stylesheet."""
    import re

    import nbformat
    from nbconvert.preprocessors import TagRemovePreprocessor

    from ..present.labels import label

    nb = nbformat.read(ipynb, as_version=4)
    exporter = _exporter()(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"doc"}, enabled=True), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    heads = _headings(nb)
    page = next((t for lvl, _, t in heads if lvl == 1), ipynb.stem)
    title = html.escape(f"{page} · {_period_name(period, lang)}" if period else page)
    body = re.sub(r"<title>.*?</title>", lambda m: f"<title>{title}</title>", body, count=1, flags=re.S)
    body = re.sub(r"<html[^>]*>", f"<html lang='{'zh-CN' if lang == 'zh' else 'en'}'>", body, count=1)
    body = body.replace("</head>", f"<style>{CSS}</style></head>", 1)
    toc = "".join(f"<li><a href='#{html.escape(i)}'>{html.escape(t)}</a></li>" for lvl, i, t in heads if lvl == 2)
    back = f"<nav class='back'><a href='../index.html'>← {html.escape(label('dashboard', lang, ns='report'))}</a></nav>"
    nav = f"<nav class='toc'><strong>{html.escape(label('contents', lang, ns='report'))}</strong><ul>{toc}</ul></nav>"
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + back, body, count=1)
    # the table of contents goes under the title block
    body = body.replace("</header>", "</header>" + nav, 1) if "</header>" in body else \
        re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
    html_path.write_text(body, encoding="utf-8")


#: report pages by notebook name → page key of the label catalogue
PAGES = {"10_survey_analysis": "survey", "20_satisfaction_index": "satisfaction", "30_customer_value": "value",
         "40_management_report": "management"}
RUNS = "runs.json"
_COLOURS = {"better": "#2e7d32", "worse": "#c0392b", "same": "#52606d"}


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


_HEAD_KINDS = ("int", "coef", "stat", "p", "pct", "index", "money", "hours")


def _figures(raw) -> dict:
    """The headline figures of a headline.json as the dashboard may show them: entries whose kind is
    known, numbers as numbers (anything else shown as missing), a good direction of up/down/none.
    The file is ours, but a hand-edited one must not break the page or put markup on it."""
    from .privacy import SMALL_COUNT

    def num(v):     # a number, or the one text a figure may hold: a count suppressed for outside readers
        ok = (isinstance(v, (int, float)) and not isinstance(v, bool)) or v == f"< {SMALL_COUNT}"
        return v if ok else None

    out = {}
    for key, h in (raw.items() if isinstance(raw, dict) else ()):
        if not isinstance(h, dict) or h.get("kind", "index") not in _HEAD_KINDS:
            continue
        out[str(key)] = {**{k: num(v) for k, v in h.items() if k not in ("kind", "good")},
                         "kind": h.get("kind", "index"), "good": h.get("good") if h.get("good") in ("up", "down") else ""}
    return out


def record_runs(out: Path, rows: list[dict]) -> None:
    """Remember each period's latest run (status, time, error) for the dashboard's notices."""
    import datetime as _dt

    path = Path(out) / RUNS
    runs = _read_json(path)
    now = _dt.datetime.now().isoformat(timespec="seconds")
    for r in rows:
        runs[r["period"]] = {"status": r["status"], "error": r.get("error", ""), "when": now}
    with atomic_write(path) as tmp:
        tmp.write_text(json.dumps(runs, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


def _sparkline(values: list, *, width: int = 150, height: int = 36) -> str:
    """An inline SVG line of ``values`` (oldest first; None for a gap), the last point marked."""
    pts = [(i, v) for i, v in enumerate(values) if isinstance(v, (int, float))]
    if len(pts) < 2:
        return ""
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    span = (hi - lo) or 1.0
    n = max(len(values) - 1, 1)
    xy = [(4 + (width - 8) * i / n, height - 4 - (height - 8) * (v - lo) / span) for i, v in pts]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    x, y = xy[-1]
    return (f"<svg class='spark' width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img'>"
            f"<polyline fill='none' stroke='#1f4e79' stroke-width='1.8' points='{path}'/>"
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='#1f4e79'/></svg>")


def _card(key: str, head: dict, series: list, lang: str) -> str:
    from ..present.labels import label
    from ..present.table import stars
    from ..present.text import change_text, change_verdict, headline_value

    kind, good = head.get("kind", "index"), head.get("good", "")
    cur = head.get("value")
    lines = []
    for other, name in (("previous", "vs_previous"), ("year_before", "vs_year_before")):
        o, pv = head.get(other), head.get(f"p_{other}")
        txt = change_text(cur, o, None, kind, good, lang)
        if txt == "—":
            continue
        verdict = change_verdict(cur, o, pv, good)
        mark = stars(pv) if pv is not None else ""
        test = "" if pv is not None else " <span class='untested'>†</span>"
        lines.append(f"<div class='delta' style='color:{_COLOURS[verdict]}'>{html.escape(label(name, lang, ns='page'))} "
                     f"{html.escape(txt)}{html.escape(mark)}{test}</div>")
    arrow = {"up": "↑", "down": "↓"}.get(good, "")
    return (f"<div class='card'><div class='name'>{html.escape(label(key, lang, ns='headline'))} "
            f"<span class='good' title='{html.escape(label(good or 'none', lang, ns='page'))}'>{arrow}</span></div>"
            f"<div class='value'>{html.escape(headline_value(cur, kind, lang))}</div>{''.join(lines)}"
            f"{_sparkline(series)}</div>")


def _href(*parts: str) -> str:
    """A relative link to a file, each part percent-encoded, safe inside a quoted attribute."""
    from urllib.parse import quote

    return html.escape("/".join(quote(str(p), safe="") for p in parts), quote=True)


def _is_period(name: str) -> bool:
    from .._core.errors import DataError
    from ..io.periods import parse_period

    try:
        return parse_period(name).label == name
    except DataError:
        return False


def write_index(out: Path, *, lang: str = "zh", firm: str = "") -> Path:
    """reports/index.html, the dashboard: firm, latest period and time generated; the headline
    figures of the latest period with their changes against the previous period and a year before
    (green better, red worse, grey no significant change; stars where a test exists) and their
    trend over all periods; a notice for every period whose latest run failed; then every period,
    newest first, with links to its pages, tables and figures."""
    import datetime as _dt

    from ..present.labels import label
    from ..present.text import headline_value, period_name

    out = Path(out)
    # only period folders: anything else an operator keeps in the output folder is not a period
    periods = sorted((p for p in out.iterdir() if p.is_dir() and _is_period(p.name)),
                     key=lambda p: p.name, reverse=True)
    heads = {p.name: _figures(_read_json(p / "headline.json")) for p in periods}
    runs = _read_json(out / RUNS)
    t = lambda key: html.escape(label(key, lang, ns="page"))  # noqa: E731
    latest = next((p.name for p in periods if heads[p.name]), None)
    generated = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    meta = " · ".join(x for x in (firm, f"{label('latest', lang, ns='page')} {period_name(latest, lang)}" if latest else "",
                                  f"{label('generated', lang, ns='page')} {generated}",
                                  label("language_name", lang, ns="page")) if x)
    parts = [f"<header class='titleblock'><h1>{t('dashboard')}</h1><p class='meta'>{html.escape(meta)}</p></header>"]
    failed = sorted(((p, r) for p, r in runs.items() if r.get("status") != "ok"), reverse=True)
    for per, r in failed:
        kept = (out / per).exists()
        parts.append(f"<div class='notice'><strong>{html.escape(period_name(per, lang))}: {t('run_failed')}</strong> "
                     f"({html.escape(r.get('when', ''))}) — {html.escape(r.get('error', ''))}"
                     f"{' ' + t('last_good_kept') if kept else ''}</div>")
    if latest:
        order = sorted(heads)                                   # oldest first, for the trend lines
        from .._core.kinds import HEADLINE_KINDS

        rank = {k: i for i, k in enumerate(HEADLINE_KINDS)}
        cards = [_card(k, h, [heads[p].get(k, {}).get("value") for p in order], lang)
                 for k, h in sorted(heads[latest].items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))]
        parts.append(f"<h2>{html.escape(period_name(latest, lang))}</h2><div class='cards'>{''.join(cards)}</div>"
                     f"<p class='legend'>{t('legend')}</p>")
    rows = []
    for p in periods:
        h = heads[p.name]
        figs = " · ".join(f"{html.escape(label(k, lang, ns='headline'))} {html.escape(headline_value(v.get('value'), v.get('kind', 'index'), lang))}"
                          for k, v in h.items() if k in ("csi", "on_time_rate", "revenue"))
        pages = " · ".join(f"<a href='{_href(p.name, f.name)}'>"
                           f"{html.escape(label(PAGES.get(f.stem, f.stem), lang, ns='page'))}</a>"
                           for f in sorted(p.glob("*.html")))
        contents = _read_json(p / "contents.json")
        tables = " · ".join(f"<a href='{_href(p.name, 'tables', f'{n}.xlsx')}'>{html.escape(title)}</a>"
                            for n, title in sorted(contents.get("tables", {}).items(), key=lambda kv: kv[1]))
        figures = " · ".join(f"<a href='{_href(p.name, 'figures', f'{n}.png')}'>{html.escape(title)}</a>"
                             for n, title in sorted(contents.get("figures", {}).items(), key=lambda kv: kv[1]))
        status = runs.get(p.name, {}).get("status", "ok")
        flag = f" <span class='failed'>{t('run_failed')}</span>" if status != "ok" else ""
        rows.append(f"<tr><td class='period'>{html.escape(period_name(p.name, lang))}{flag}</td><td>{figs}</td>"
                    f"<td>{pages}<details><summary>{t('tables')}</summary>{tables}</details>"
                    f"<details><summary>{t('figures')}</summary>{figures}</details></td></tr>")
    parts.append(f"<h2>{t('periods')}</h2><table class='periods'><thead><tr><th>{t('period')}</th>"
                 f"<th>{t('headline')}</th><th>{t('pages')}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    page = (f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{t('dashboard')}{' · ' + html.escape(firm) if firm else ''}</title><style>{CSS}{DASHBOARD_CSS}</style>"
            f"</head><body>{''.join(parts)}</body></html>")
    path = out / "index.html"
    with atomic_write(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


DASHBOARD_CSS = """
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}
.card{border:1px solid #d9e2ec;border-radius:6px;padding:10px 12px;background:#fff}
.card .name{font-size:14px;color:#52606d}
.card .value{font-size:26px;font-weight:600;color:#1f2933;margin:2px 0}
.card .delta{font-size:13px}
.card .good{color:#9aa5b1}
.untested{color:#9aa5b1}
.legend{font-size:13px;color:#52606d}
.notice{background:#fdecea;border-left:4px solid #c0392b;padding:8px 12px;margin:8px 0;font-size:14px}
.failed{color:#c0392b;font-size:12px}
table.periods{border-collapse:collapse;width:100%;font-size:14px}
table.periods th,table.periods td{border-bottom:1px solid #d9e2ec;padding:6px 8px;text-align:left;vertical-align:top}
table.periods td.period{white-space:nowrap;font-weight:600}
details{font-size:13px;color:#52606d}
"""
