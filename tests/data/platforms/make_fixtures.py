"""Writes the survey-platform export fixtures of tests/test_platforms.py from one table of answers
(``truth.csv``), so that every loader is checked against the same known values.

Run from the repository root:  python tests/data/platforms/make_fixtures.py

The headers copy the layout each platform's export has (first header row of each):

- 问卷星 (Wenjuanxing), 按选项序号 / 按选项文本 downloads: 序号, 提交答卷时间, 所用时间 ("175秒"),
  来源, 来源详情, 来自IP ("117.136.38.12(广东-广州)"), questions "1、…：", matrix rows "3(…)";
  −3 for a question jumped over, −2 for one not shown; "(跳过)" in the text download. The CSV
  download is GBK-encoded, as Wenjuanxing writes it for Excel on Chinese Windows.
- 腾讯问卷: 编号, 用户类型, 用户标识, 昵称, 开始答题时间, 结束答题时间, 答题时长 ("2分55秒"),
  地理位置国家和地区, 地理位置省, 地理位置市, 自定义字段; questions "1.…".
- Credamo 见数: 序号, 答卷编号, 开始作答时间, 提交时间, 作答时长(秒), IP地址, IP属地, 渠道;
  questions "Q1.…", matrix rows "Q3_1.…". (The exact Credamo header could not be checked against a
  published export; the loader recognises it by 答卷编号 and 作答时长(秒).)
- Qualtrics CSV: three header rows (names, question texts, ImportId JSON); "seen but unanswered"
  recoded −99; numeric and choice-text downloads.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ITEMS = {"SQ": ["该公司的配送准时", "该公司的货物完好无损", "该公司的客服响应迅速"],
         "SAT": ["总体而言我对该公司感到满意", "该公司的服务达到了我的期望", "选择该公司是明智的"],
         "LOY": ["我会继续使用该公司的服务", "我会向他人推荐该公司", "即使价格略高我也会选择该公司"]}
EN = {"SQ": ["The company delivers on time", "Parcels arrive undamaged", "Customer service responds quickly"],
      "SAT": ["Overall I am satisfied with the company", "The service meets my expectations",
              "Choosing the company was a wise decision"],
      "LOY": ["I will keep using the company", "I would recommend the company to others",
              "I would choose the company even at a slightly higher price"]}
ZH_LABELS = {1: "非常不同意", 2: "不同意", 3: "一般", 4: "同意", 5: "非常同意"}
EN_LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree", 5: "Strongly agree"}
CODES = [f"{b}{i}" for b in ITEMS for i in (1, 2, 3)]
N = 12
#: (respondent, item) → Wenjuanxing's code: −3 jumped over, −2 not shown
SKIPS = {(4, "LOY3"): -3, (7, "SQ3"): -2, (10, "LOY3"): -3}


def truth() -> pd.DataFrame:
    rng = np.random.default_rng(2026)
    level = rng.integers(2, 6, N)
    rows = []
    for r in range(1, N + 1):
        row = {"respondent": r, "gender": int(rng.integers(1, 3)), "parcels": int(rng.integers(1, 5))}
        for c in CODES:
            row[c] = float(np.clip(level[r - 1] + rng.integers(-1, 2), 1, 5))
        for (who, item) in SKIPS:
            if who == r:
                row[item] = np.nan
        row["duration_seconds"] = float(rng.integers(40, 400))
        row["submitted_at"] = pd.Timestamp("2025-03-12 09:00:00") + pd.Timedelta(minutes=int(37 * r))
        row["ip"] = f"117.136.{r}.{10 + r}"
        rows.append(row)
    return pd.DataFrame(rows)


def _mmss(s: float) -> str:
    m, sec = divmod(int(s), 60)
    return f"{m}分{sec}秒" if m else f"{sec}秒"


def _cell(v, r, item, skip_style):
    if (r, item) in SKIPS:
        return {"wjx_num": SKIPS[(r, item)], "wjx_text": "(跳过)", "blank": "", "qualtrics": -99}[skip_style]
    return v


def wenjuanxing(t: pd.DataFrame, text: bool) -> pd.DataFrame:
    out = pd.DataFrame({
        "序号": t["respondent"],
        "提交答卷时间": t["submitted_at"].map(lambda d: f"{d.year}/{d.month}/{d.day} {d:%H:%M:%S}"),
        "所用时间": t["duration_seconds"].map(lambda s: f"{int(s)}秒"),
        "来源": ["手机提交", "微信", "链接"] * (N // 3),
        "来源详情": ["直接访问", "N/A", "直接访问"] * (N // 3),
        "来自IP": [f"{ip}(广东-广州)" for ip in t["ip"]],
        "1、您的性别：": t["gender"].map({1: "男", 2: "女"}) if text else t["gender"],
        "2、您每月寄快递的次数：": t["parcels"].map({1: "1次及以下", 2: "2-5次", 3: "6-10次", 4: "10次以上"})
        if text else t["parcels"],
    })
    for q, block in enumerate(ITEMS, start=3):
        for i, wording in enumerate(ITEMS[block], start=1):
            code = f"{block}{i}"
            vals = []
            for r, v in zip(t["respondent"], t[code]):
                v = _cell(v, r, code, "wjx_text" if text else "wjx_num")
                vals.append(ZH_LABELS[int(v)] if text and not isinstance(v, str) else (v if isinstance(v, str) else int(v)))
            out[f"{q}({wording})"] = vals
    out["6、您对我们的服务有什么建议？"] = ["无", "(空)", "希望更快", "", "无", "", "", "价格再低些", "", "无", "", ""]
    return out


def tencent(t: pd.DataFrame) -> pd.DataFrame:
    start = t["submitted_at"] - pd.to_timedelta(t["duration_seconds"], unit="s")
    out = pd.DataFrame({
        "编号": [f"{1000 + r}" for r in t["respondent"]], "用户类型": "微信", "用户标识": [f"oX{r:04d}" for r in t["respondent"]],
        "昵称": [f"用户{r}" for r in t["respondent"]], "开始答题时间": start.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "结束答题时间": t["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        "答题时长": t["duration_seconds"].map(_mmss), "地理位置国家和地区": "中国", "地理位置省": "广东",
        "地理位置市": "广州", "自定义字段": "", "1.您的性别": t["gender"].map({1: "男", 2: "女"}),
    })
    for q, block in enumerate(ITEMS, start=3):
        for i, wording in enumerate(ITEMS[block], start=1):
            code = f"{block}{i}"
            out[f"{q}.请根据您的实际感受评价以下说法—{wording}"] = [
                _cell(v, r, code, "blank") if (r, code) in SKIPS else int(v) for r, v in zip(t["respondent"], t[code])]
    return out


def credamo(t: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "序号": t["respondent"], "答卷编号": [f"CR{20250312000 + r}" for r in t["respondent"]],
        "开始作答时间": (t["submitted_at"] - pd.to_timedelta(t["duration_seconds"], unit="s")).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "提交时间": t["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S"), "作答时长(秒)": t["duration_seconds"].astype(int),
        "IP地址": t["ip"], "IP属地": "广东", "渠道": "样本服务", "Q1.您的性别": t["gender"],
    })
    for q, block in enumerate(ITEMS, start=3):
        for i, wording in enumerate(ITEMS[block], start=1):
            code = f"{block}{i}"
            out[f"Q{q}_{i}.{wording}"] = [np.nan if (r, code) in SKIPS else int(v) for r, v in zip(t["respondent"], t[code])]
    return out


def qualtrics(t: pd.DataFrame, text: bool) -> str:
    meta = [("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "America/Denver"}),
            ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "America/Denver"}),
            ("Status", "Response Type", {"ImportId": "status"}), ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
            ("Progress", "Progress", {"ImportId": "progress"}),
            ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
            ("Finished", "Finished", {"ImportId": "finished"}),
            ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": "America/Denver"}),
            ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
            ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
            ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
            ("Q1", "What is your gender?", {"ImportId": "QID1"})]
    cols = list(meta)
    for q, block in enumerate(EN, start=3):
        for i, wording in enumerate(EN[block], start=1):
            cols.append((f"Q{q}_{i}", f"How much do you agree with the following statements? - {wording}",
                         {"ImportId": f"QID{q}_{i}"}))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c[0] for c in cols])
    w.writerow([c[1] for c in cols])
    w.writerow([json.dumps(c[2], separators=(",", ":")) for c in cols])
    for _, row in t.iterrows():
        r = int(row["respondent"])
        start = row["submitted_at"] - pd.Timedelta(seconds=row["duration_seconds"])
        vals = [f"{start:%Y-%m-%d %H:%M:%S}", f"{row['submitted_at']:%Y-%m-%d %H:%M:%S}", 0, row["ip"], 100,
                int(row["duration_seconds"]), 1, f"{row['submitted_at']:%Y-%m-%d %H:%M:%S}", f"R_{r:02d}xQk7Lm3Pz",
                "anonymous", "EN", ("Male" if row["gender"] == 1 else "Female") if text else int(row["gender"])]
        for code in CODES:
            if (r, code) in SKIPS:
                vals.append("" if text else -99)
            else:
                vals.append(EN_LABELS[int(row[code])] if text else int(row[code]))
        w.writerow(vals)
    return buf.getvalue()


def main() -> None:
    t = truth()
    t.assign(submitted_at=t["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S")).to_csv(HERE / "truth.csv", index=False)
    wenjuanxing(t, text=False).to_excel(HERE / "wjx_numbers.xlsx", sheet_name="Sheet1", index=False)
    (HERE / "wjx_text.csv").write_bytes(wenjuanxing(t, text=True).to_csv(index=False).encode("gbk"))
    (HERE / "tencent.csv").write_bytes(tencent(t).to_csv(index=False).encode("utf-8-sig"))
    credamo(t).to_excel(HERE / "credamo.xlsx", sheet_name="答卷数据", index=False)
    (HERE / "qualtrics_numbers.csv").write_text(qualtrics(t, text=False), encoding="utf-8")
    (HERE / "qualtrics_text.csv").write_text(qualtrics(t, text=True), encoding="utf-8")


if __name__ == "__main__":
    main()
