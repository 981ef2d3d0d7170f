"""Write the replication notebooks in notebooks/replications/ from the cell sources below.

Run from the repository root: ``.venv/bin/python tools/replication_notebooks.py``. The notebooks
are written without outputs; edit the sources here, not the .ipynb files.
"""

from __future__ import annotations

from pathlib import Path

import nbformat as nbf

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "replications"

PARAMS_COMMON = '''lang: str = "zh"  # zh or en: language of tables and verdicts
out_dir: str = ""  # if set, the published-vs-reproduced table is also written there as CSV'''

CHECK_COMMON = '''from pathlib import Path
import pandas as pd
import crm_research
from crm_research.labels import LANGS
if lang not in LANGS:
    raise crm_research.DataError(f"parameter lang={lang!r}: expected one of {list(LANGS)}")'''

SAVE = '''comparison = compare_published(rows, lang=lang)
if out_dir:
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    comparison.to_csv(Path(out_dir) / "{name}.csv", index=False)
comparison'''

NOTEBOOKS = {
    "03_survey_percentages": [
        ("md", "# Replication 3 · Descriptive survey percentages\n\n"
               "Source documents `001_…` example 2 (a survey of small and medium firms in Cangzhou) and "
               "`004_…` (CNNIC figures on awareness of CRM) report percentages without the number of "
               "respondents. For each we ask: which base n makes the figures possible at all, do exclusive "
               "shares add to 100 %, how precise is each percentage (95 % Wilson interval), and how many "
               "respondents a ±3-point margin would need."),
        ("params", PARAMS_COMMON),
        ("code", CHECK_COMMON + "\nfrom crm_research import audit\nfrom crm_research.frequencies import proportion_ci, sample_size_for_margin\nfrom crm_research.replications import compare_published"),
        ("md", "## Awareness of CRM (`004_…`)\n\nNever heard of it 51.4 %, heard of it but do not understand it 28.6 %, "
               "some understanding 13.6 %, understand it well 6.4 % — four exclusive answers to one question."),
        ("code", 'awareness = {"never heard": "51.4", "heard, not understood": "28.6", "some understanding": "13.6", "understand well": "6.4"}\n'
                 'total = audit.check_percent_total(list(awareness.values()))\n'
                 'n_awareness = audit.smallest_n(list(awareness.values()))\n'
                 'print(total.verdict(lang))\nprint("smallest n:", n_awareness)'),
        ("code", 'def precision_table(shares, n):\n'
                 '    rows = []\n'
                 '    for name, pct in shares.items():\n'
                 '        count = round(float(pct) / 100 * n)\n'
                 '        ci = proportion_ci(count, n)\n'
                 '        rows.append({"answer": name, "published %": pct, "count at n": count,\n'
                 '                     "95% CI low %": 100 * ci.ci[0], "95% CI high %": 100 * ci.ci[1],\n'
                 '                     "n for ±3 points": sample_size_for_margin(float(pct) / 100, 0.03)})\n'
                 '    return pd.DataFrame(rows)\n'
                 'precision_table(awareness, n_awareness)'),
        ("md", "## CRM practice in Cangzhou SMEs (`001_…` example 2)\n\n"
               "Who implemented CRM: a specialist firm 89.7 %, trained own staff 7.8 %, hired specialists 3.2 % — "
               "exclusive answers, so they should add to 100 %. The other figures (78.3 %, 10.2 %, 11.3 %, "
               "65.5 %, 44.5 %) are answers to different questions of the same survey, each given as a share of "
               "all firms interviewed; assuming every firm answered each, they share one base n."),
        ("code", 'implementers = {"specialist firm": "89.7", "trained own staff": "7.8", "hired specialists": "3.2"}\n'
                 'implementers_total = audit.check_percent_total(list(implementers.values()))\n'
                 'print(implementers_total.verdict(lang))\nprint(implementers_total.arithmetic)'),
        ("code", 'practice = {"mainly serve key customers": "78.3", "visit customers regularly": "10.2",\n'
                 '            "keep customer files": "11.3", "special service": "65.5", "plan CRM in 1–2 years": "44.5"}\n'
                 'n_practice = audit.smallest_n(list(practice.values()))\n'
                 'print("smallest n making all five possible:", n_practice)\n'
                 'precision_table(practice, n_practice)'),
        ("md", "## Published vs reproduced\n\nEach percentage recomputed as a whole count out of the smallest "
               "base that allows all figures of its question; the shares of the implementers question cannot "
               "all hold (they add to 100.7 %)."),
        ("code", 'rows = []\n'
                 'for shares, n in ((awareness, n_awareness), (practice, n_practice)):\n'
                 '    for name, pct in shares.items():\n'
                 '        rows.append((f"{name} (n = {n})", pct, 100 * round(float(pct) / 100 * n) / n))\n'
                 'rows.append(("implementers: shares add to", "100.0", sum(float(v) for v in implementers.values())))\n'
                 + SAVE.format(name="03_survey_percentages")),
    ],
}


def build(name: str, cells) -> nbf.NotebookNode:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, src) in enumerate(cells):
        if kind == "md":
            cell = nbf.v4.new_markdown_cell(src)
        else:
            cell = nbf.v4.new_code_cell(src)
            if kind == "params":
                cell.metadata["tags"] = ["parameters"]
        cell["id"] = f"{name[:2]}-{i:02d}"
        nb.cells.append(cell)
    return nb


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nbf.write(build(name, cells), OUT / f"{name}.ipynb")


if __name__ == "__main__":
    main()
