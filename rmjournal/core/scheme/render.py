"""The coordinator's report as Markdown, self-contained HTML, JSON or CSV.

All four show the same figures from `Report`; a suppressed figure (fewer than `report.K` pairs)
reads "fewer than 5 pairs" (Markdown, HTML), `null` (JSON) or "suppressed" (CSV). The only text
from a return that reaches the report is its file name and scheme id, both escaped like user text.
The HTML reuses the summary's stylesheet and charts (`core/summary/html.py`): printable, no
script, nothing loaded from outside.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

from rmjournal.core.lifecycle import STAGE_WORDS
from rmjournal.core.scheme.report import HELD_BINS, SHARE_BINS, K, Report
from rmjournal.core.scheme.returns import STAGES
from rmjournal.core.summary.html import CSP, CSS, h, labelled_bar_chart
from rmjournal.text import counted

REPORT_FORMATS = ("markdown", "html", "json", "csv")

SUPPRESSED = f"fewer than {K} pairs"


QUESTION_WORDS = {
    "meeting": "Pairs meeting (a session held, not stalled, not closed)",
    "stalled": "Pairs stalled (no session in two cadences, nor a decision to go on)",
    "reviewed": "Pairs that held their review",
    "closed": "Pairs closed",
    "part_two": "Pairs in part two",
    "check_in_held": "Pairs that held their check-in a year on",
}

MEDIAN_WORDS = {
    "period_months": "Months since the start",
    "sessions_planned": "Sessions planned",
    "sessions_held": "Sessions held",
    "held_of_planned": "Share of planned sessions held",
    "actions_agreed": "Actions and commitments agreed",
    "commitments_kept_of_agreed": "Share of commitments kept (pairs that agreed any)",
}

_STAGE_NAMES: dict[str, str] = {str(k): v for k, v in STAGE_WORDS.items()}

DISTRIBUTION_WORDS = {
    "stage": ("Pairs by stage", [_STAGE_NAMES.get(s, s) for s in STAGES]),
    "sessions_held": ("Pairs by sessions held", list(HELD_BINS)),
    "commitments_kept": ("Pairs by share of commitments kept", list(SHARE_BINS)),
}

DISTRIBUTION_HEADS = {
    "stage": "Stage",
    "sessions_held": "Sessions held",
    "commitments_kept": "Commitments kept",
}
"""The first column's heading in each distribution's table."""


def _n(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def figure_rows(report: Report) -> Iterator[tuple[str, str, str]]:
    """Every figure as (section, figure, value), in the order all formats show them."""
    doc = report.document()
    returns = doc["returns"]
    for key in ("read", "verified", "refused", "superseded"):
        yield "returns", key, str(returns[key])
    yield "pairs", "pairs", str(report.pairs)
    for key, n in report.questions.items():
        yield "pairs", key, str(n)
    if report.totals is None or report.medians is None or report.distributions is None:
        yield "totals", "all", "suppressed"
    else:
        t = report.totals
        for group in ("sessions", "actions", "commitments", "goals", "opportunities", "check_in"):
            for key, n in t[group].items():
                yield "totals", f"{group}.{key}", str(n)
        yield "totals", "cadence_kept", str(t["cadence_kept"])
        for key, value in report.medians.items():
            yield "medians", key, "" if value is None else _n(value)
        for name, bars in report.distributions.items():
            for key, count in bars.items():
                yield f"distribution.{name}", key, "suppressed" if count is None else str(count)
    for row in report.by_stage:
        for key, value in row.items():
            if key != "stage":
                yield f"stage.{row['stage']}", key, _n(value)


def render_json(report: Report) -> str:
    """The report as one JSON document."""
    return json.dumps(report.document(), indent=1, ensure_ascii=False) + "\n"


def render_csv(report: Report) -> str:
    """The report as CSV: one row per figure (section, figure, value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "figure", "value"])
    writer.writerows(figure_rows(report))
    for r in report.refused:
        writer.writerow(["refused", _csv_safe(r.name), r.reason])
    for name in report.superseded:
        writer.writerow(["superseded", _csv_safe(name), ""])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """A file name as a CSV cell a spreadsheet does not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _lines(report: Report) -> dict[str, list[tuple[str, str]]]:
    """The figures in words, by section, for the Markdown and HTML reports."""
    sections: dict[str, list[tuple[str, str]]] = {}
    sections["pairs"] = [("Pairs reported", str(report.pairs))] + [
        (QUESTION_WORDS[q], str(n)) for q, n in report.questions.items()
    ]
    t, m = report.totals, report.medians
    if t is None or m is None:
        sections["figures"] = [("Every other figure", SUPPRESSED)]
        return sections
    s, c, a = t["sessions"], t["commitments"], t["actions"]
    o, g, ci = t["opportunities"], t["goals"], t["check_in"]
    sections["figures"] = [
        ("Sessions held of planned", f"{s['held']} of {s['planned']}"),
        ("Sessions cancelled, missed", f"{s['cancelled']} cancelled, {s['missed']} missed"),
        ("Pairs keeping their cadence", f"{t['cadence_kept']} of {report.pairs}"),
        (
            "Actions agreed",
            f"{a['agreed']} ({a['done']} done, {a['dropped']} dropped, {a['open']} open)",
        ),
        (
            "Commitments agreed",
            f"{c['agreed']} ({c['kept']} kept, {c['dropped']} dropped, {c['open']} open)",
        ),
        (
            "Goals",
            f"{g['achieved']} achieved, {g['partly']} partly, {g['not_achieved']} not achieved, "
            f"{g['open']} open",
        ),
        ("Opportunities offered, taken", f"{o['offered']} offered, {o['taken']} taken"),
        (
            "Commitments revisited a year on",
            f"{ci['kept']} kept, {ci['partly']} partly, {ci['not_kept']} not kept",
        ),
    ]
    sections["medians"] = [(MEDIAN_WORDS[k], _n(v)) for k, v in m.items()]
    return sections


def _stage_rows(report: Report) -> list[list[str]]:
    rows = []
    for row in report.by_stage:
        name = STAGE_WORDS[row["stage"]]
        if row.get("suppressed"):
            rows.append([name, str(row["pairs"]), SUPPRESSED, "", "", ""])
        else:
            rows.append(
                [
                    name,
                    str(row["pairs"]),
                    _n(row["median_sessions_held"]),
                    str(row["cadence_kept"]),
                    str(row["commitments_agreed"]),
                    str(row["commitments_kept"]),
                ]
            )
    return rows


STAGE_HEAD = [
    "Stage",
    "Pairs",
    "Median sessions held",
    "Keeping cadence",
    "Commitments agreed",
    "Commitments kept",
]


def _title(report: Report, escape: Callable[[str], str] = str) -> str:
    if len(report.schemes) == 1 and report.schemes[0]:
        return f"Scheme report: {escape(report.schemes[0])}"
    return "Scheme report"


def _returns_sentence(report: Report) -> str:
    doc = report.document()["returns"]
    return (
        f"{counted(doc['read'], 'return')} read: {doc['verified']} verified, "
        f"{doc['refused']} refused, {doc['superseded']} superseded by a later return of the "
        f"same pair. No figure is shown over fewer than {K} pairs; counts of pairs always are."
    )


def _md(text: str) -> str:
    """Text from outside (a file name, a scheme id, a reason naming a key) for Markdown, as the
    summary writes user text: markup made literal, on one line, and no more escaped than that
    (`north-2026`, `r1.json` read as they are typed)."""
    from rmjournal.core.summary.markdown import md_inline

    return md_inline(text)


def render_markdown(report: Report) -> str:
    """The report as Markdown."""
    out = [f"# {_title(report, _md)}", "", _returns_sentence(report), ""]
    names = {"pairs": "The pairs", "figures": "Over all pairs", "medians": "Medians per pair"}
    for section, lines in _lines(report).items():
        out += [f"## {names[section]}", "", "| Figure | Value |", "| --- | ---: |"]
        out += [f"| {k} | {v} |" for k, v in lines]
        out.append("")
    if report.distributions is not None:
        for key, bars in report.distributions.items():
            title, labels = DISTRIBUTION_WORDS[key]
            out += [f"## {title}", "", f"| {DISTRIBUTION_HEADS[key]} | Pairs |", "| --- | ---: |"]
            for label, n in zip(labels, bars.values(), strict=True):
                out.append(f"| {label} | {SUPPRESSED if n is None else n} |")
            out.append("")
    if report.by_stage:
        out += ["## By stage", "", "| " + " | ".join(STAGE_HEAD) + " |"]
        out.append("| --- |" + " ---: |" * (len(STAGE_HEAD) - 1))
        out += ["| " + " | ".join(row) + " |" for row in _stage_rows(report)]
        out.append("")
    out += _md_left_out(report)
    return "\n".join(out).rstrip("\n") + "\n"


def _md_left_out(report: Report) -> list[str]:
    out: list[str] = []
    if report.refused:
        out += ["## Refused returns", ""]
        out += [f"- {_md(r.name)}: {r.reason}" for r in report.refused]
        out.append("")
    if report.superseded:
        out += ["## Superseded returns", ""]
        out += [f"- {_md(name)}" for name in report.superseded]
        out.append("")
    return out


def render_html(report: Report) -> str:
    """The report as one self-contained, printable HTML document."""
    title = _title(report)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{h(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<header><h1>{h(title)}</h1>",
        f'<p class="lead">{h(_returns_sentence(report))}</p></header>',
    ]
    names = {"pairs": "The pairs", "figures": "Over all pairs", "medians": "Medians per pair"}
    for section, lines in _lines(report).items():
        out.append(f'<section aria-labelledby="{section}">')
        out.append(f'<h2 id="{section}">{names[section]}</h2>')
        out.append('<dl class="figures">')
        out += [f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in lines]
        out.append("</dl>")
        out.append("</section>")
    if report.distributions is not None:
        out.append('<section aria-labelledby="distributions">')
        out.append('<h2 id="distributions">Distributions</h2>')
        for key, bars in report.distributions.items():
            label, labels = DISTRIBUTION_WORDS[key]
            counts = list(bars.values())
            out.append(
                labelled_bar_chart(f"chart-{key}", label, labels, [("pairs", counts, "fill")])
            )
            out.append(f'<table><caption>{h(label)}</caption><thead><tr><th scope="col">')
            out.append(f'{h(DISTRIBUTION_HEADS[key])}</th><th scope="col" class="n">Pairs</th>')
            out.append("</tr></thead><tbody>")
            for name, n in zip(labels, counts, strict=True):
                shown = SUPPRESSED if n is None else str(n)
                out.append(f'<tr><th scope="row">{h(name)}</th><td class="n">{h(shown)}</td></tr>')
            out.append("</tbody></table>")
        out.append("</section>")
    if report.by_stage:
        out.append('<section aria-labelledby="by-stage">')
        out.append('<h2 id="by-stage">By stage</h2>')
        out.append("<table><caption>Figures by stage</caption><thead><tr>")
        numeric = ' class="n"'
        out += [
            f'<th scope="col"{numeric if i else ""}>{h(c)}</th>' for i, c in enumerate(STAGE_HEAD)
        ]
        out.append("</tr></thead><tbody>")
        for row in _stage_rows(report):
            cells = "".join(f'<td class="n">{h(c)}</td>' for c in row[1:])
            out.append(f'<tr><th scope="row">{h(row[0])}</th>{cells}</tr>')
        out.append("</tbody></table>")
        out.append("</section>")
    if report.refused or report.superseded:
        out.append('<section aria-labelledby="left-out">')
        out.append('<h2 id="left-out">Returns left out</h2>')
        out.append("<ul>")
        out += [f"<li>{h(r.name)}: refused, {h(r.reason)}</li>" for r in report.refused]
        out += [
            f"<li>{h(name)}: superseded by a later return of the same pair</li>"
            for name in report.superseded
        ]
        out.append("</ul>")
        out.append("</section>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_report(report: Report, fmt: str) -> str:
    """The report in `fmt` (one of `REPORT_FORMATS`)."""
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    if fmt == "csv":
        return render_csv(report)
    return render_json(report)
