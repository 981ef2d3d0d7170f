"""Report pages: a notebook as standalone HTML without code, and the index of all periods."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

__all__ = ["to_html", "write_index"]


def to_html(ipynb: Path, html_path: Path, *, period: str = "", lang: str = "en") -> None:
    """Standalone HTML with code hidden, a ``<title>`` naming the page and the period, the page's
    language in ``<html lang>``, a link back to the index and a table of contents from the headings."""
    import re

    import nbformat
    from nbconvert import HTMLExporter

    from ..present.labels import label

    nb = nbformat.read(ipynb, as_version=4)
    heads = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                m = re.match(r"^(#{1,3})\s+(.*)", line)
                if m:
                    heads.append((len(m.group(1)), m.group(2).strip()))
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    page = heads[0][1] if heads else ipynb.stem
    title = html.escape(f"{page} · {period}" if period else page)
    body = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", body, count=1, flags=re.S)
    body = re.sub(r"<html[^>]*>", f"<html lang='{'zh-CN' if lang == 'zh' else 'en'}'>", body, count=1)
    toc = "".join(f"<li style='margin-left:{(lvl - 1) * 1.2}em'><a href='#{html.escape(t.replace(' ', '-'))}'>"
                  f"{html.escape(t)}</a></li>" for lvl, t in heads)
    back = f"<p><a href='../index.html'>← {html.escape(label('dashboard', lang, ns='report'))}</a></p>"
    nav = (f"{back}<nav class='toc'><h2>{html.escape(label('contents', lang, ns='report'))}</h2><ul>{toc}</ul></nav>")
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
    html_path.write_text(body, encoding="utf-8")


def write_index(out: Path) -> Path:
    """reports/index.html: every rendered period with its headline figures and links."""
    out = Path(out)
    rows = []
    for d in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        head = {}
        if (d / "headline.json").exists():
            head = json.loads((d / "headline.json").read_text(encoding="utf-8"))
        links = " · ".join(f"<a href='{d.name}/{h.name}'>{html.escape(h.stem)}</a>" for h in sorted(d.glob("*.html")))
        figs = "; ".join(f"{html.escape(v['label'])}: {v['value']}" for _, v in sorted(head.items()))
        rows.append(f"<tr><td>{html.escape(d.name)}</td><td>{figs}</td><td>{links}</td></tr>")
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>crm_research reports</title></head><body>"
            "<h1>Reports</h1><table border='1' cellpadding='4'><tr><th>Period</th><th>Headline</th><th>Reports</th></tr>"
            + "".join(rows) + "</table></body></html>")
    path = out / "index.html"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path
