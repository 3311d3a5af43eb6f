"""The shareable summary as one self-contained HTML file: inline CSS, inline SVG charts, printable.

It references nothing outside itself (no fonts, scripts, images or links; a Content-Security-Policy
forbids loading any), so it can be mailed or printed as is. Every piece of user text is escaped;
charts carry their figures as text and in a table, and tell series apart by shape (filled or
outlined bars) and label, never by colour alone.
"""

from __future__ import annotations

from html import escape

from rmjournal.core.model import OUTCOME_WORDS, STATUS_WORDS
from rmjournal.core.review import MonthCount
from rmjournal.core.summary.content import DRAFT_MARKER, Summary
from rmjournal.core.summary.wording import (
    Wording,
    action_line,
    cap,
    entry_line,
    figure_lines,
    goal_status_line,
    month_table,
    opportunity_line,
    owner_table,
    pair_lines,
    relationship_lines,
    status_table,
    year_on_line,
)
from rmjournal.text import plain

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: #1a1a1a; font-size: 1rem; line-height: 1.55;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 48rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 .75rem; padding-bottom: .2rem;
  border-bottom: 2px solid #1d4e89; color: #10305a; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
p, ul { margin: .4rem 0 .8rem; }
li { margin: .25rem 0; }
.lead { color: #3b3b3b; }
.draft { border: 3px dashed #7a4b00; background: #fff4d6; color: #2e1d00;
  padding: .75rem 1rem; margin: 0 0 1.5rem; }
.draft strong { font-size: 1.15rem; letter-spacing: .04em; }
.approved { border: 2px solid #1e5e2f; background: #eef7f0; color: #0f2e17; padding: .5rem 1rem; }
dl.figures { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem;
  margin: .5rem 0; }
dl.figures dt { font-weight: 700; }
dl.figures dd { margin: 0; }
dl.figures dt, dl.figures dd, li, p { min-width: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5rem 0 1rem; min-width: 60%; }
caption { text-align: left; font-weight: 700; padding: .25rem 0; }
th, td { border: 1px solid #767676; padding: .25rem .6rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #e8eef6; }
figure { margin: 1rem 0 1.5rem; }
figcaption { font-weight: 700; margin-bottom: .25rem; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg.chart text { font-size: 11px; fill: #1a1a1a;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
svg.chart .axis { stroke: #4a4a4a; stroke-width: 1; }
svg.chart .fill { fill: #1d4e89; }
svg.chart .outline { fill: #ffffff; stroke: #1d4e89; stroke-width: 2; }
.meta { color: #3b3b3b; font-size: .95rem; }
blockquote { margin: .3rem 0 .8rem; padding-left: .9rem; border-left: 4px solid #1d4e89; }
footer { margin-top: 2.5rem; border-top: 1px solid #767676; padding-top: .75rem; }
@media (max-width: 36rem) {
  main { padding: 1rem .5rem 2rem; }
  h1 { font-size: 1.6rem; }
  dl.figures { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dl.figures dd { margin: 0 0 .5rem; }
  table { width: 100%; min-width: 0; font-size: .8rem; }
  th, td { padding: .2rem .25rem; }
  thead th { overflow-wrap: anywhere; }
}
@media (forced-colors: active) {
  body, body * { color: CanvasText; -webkit-text-fill-color: CanvasText; }
  svg.chart text { fill: CanvasText; }
  svg.chart .axis { stroke: CanvasText; }
  svg.chart .fill { fill: CanvasText; }
  svg.chart .outline { fill: Canvas; stroke: CanvasText; }
  h2, blockquote { border-color: CanvasText; }
}
@media print {
  @page { margin: 16mm 14mm; }
  body { background: #ffffff; color: #000000; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { border-bottom-color: #000000; color: #000000; }
  h2, h3, figcaption, caption { break-after: avoid; page-break-after: avoid; }
  figure, table, li, blockquote, .draft, dl.figures {
    break-inside: avoid; page-break-inside: avoid; }
  .draft { background: none; border: 3px solid #000000; color: #000000; }
  .approved { background: none; border: 1px solid #000000; color: #000000; }
  thead th { background: none; }
  svg.chart .fill { fill: #000000; }
  svg.chart .outline { stroke: #000000; }
}
"""

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
"""Nothing may load from anywhere: styles are inline, no script, images only as data: URIs."""


def h(text: str) -> str:
    """User or generated text escaped for HTML (quotes included), control characters shown as
    `plain()`'s symbols: the file may be printed to a terminal, which would act on them."""
    return escape(plain(text), quote=True)


def paragraphs(text: str) -> str:
    """Multi-line user text as escaped paragraphs (single line breaks kept as <br>)."""
    blocks = [b.strip() for b in text.strip().replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "".join("<p>" + "<br>\n".join(h(x) for x in b.split("\n")) + "</p>" for b in blocks)


def _month_label(month: str) -> str:
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    year, number = month.split("-")
    return f"{names[int(number) - 1]} {year[2:]}"


def bar_chart(chart_id: str, title: str, series: list[tuple[str, list[MonthCount], str]]) -> str:
    """An inline SVG bar chart per month; each series is (label, counts, "fill"|"outline")."""
    labels = [_month_label(m.month) for m in series[0][1]]
    return labelled_bar_chart(
        chart_id, title, labels, [(name, [m.count for m in c], style) for name, c, style in series]
    )


def labelled_bar_chart(
    chart_id: str,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[int | None], str]],
) -> str:
    """An inline SVG bar chart, one group of bars per label; each series is (label, counts,
    "fill"|"outline"); a count of None is drawn as no bar and written as "–" (suppressed).

    The figures are written on the bars and in the chart's description, so the chart is read
    the same without colour, without sight (screen readers get the description) and on paper.
    """
    peak = max([1, *(n or 0 for _, counts, _ in series for n in counts)])
    bar, gap, group_gap = 14, 2, 14
    widest = max((len(name) for name in labels), default=0)
    group = max(len(series) * bar + (len(series) - 1) * gap + group_gap, 52, 7 * widest + 8)
    left, top, plot_h = 24, 34, 110
    width = left + max(len(labels), 1) * group + 10
    height = top + plot_h + 34
    base = top + plot_h
    parts: list[str] = []
    legend_x = left
    for label, _, style in series:
        parts.append(
            f'<rect class="{style}" x="{legend_x}" y="8" width="12" height="12"></rect>'
            f'<text x="{legend_x + 17}" y="18">{h(label)}</text>'
        )
        legend_x += 17 + 7 * len(label) + 18
    parts.append(f'<line class="axis" x1="{left - 4}" y1="{base}" x2="{width - 6}" y2="{base}"/>')
    for i, name in enumerate(labels):
        x0 = left + i * group
        for j, (_, counts, style) in enumerate(series):
            value = counts[i]
            bar_h = round(plot_h * (value or 0) / peak)
            x = x0 + (group - group_gap - len(series) * (bar + gap) + gap) // 2 + j * (bar + gap)
            if bar_h:
                parts.append(
                    f'<rect class="{style}" x="{x}" y="{base - bar_h}" '
                    f'width="{bar}" height="{bar_h}"></rect>'
                )
            parts.append(
                f'<text x="{x + bar / 2}" y="{base - bar_h - 4}" '
                f'text-anchor="middle">{_shown(value)}</text>'
            )
        parts.append(
            f'<text x="{x0 + (group - group_gap) / 2}" y="{base + 16}" '
            f'text-anchor="middle">{h(name)}</text>'
        )
    described = "; ".join(
        f"{label}: "
        + ", ".join(f"{name} {_shown(n)}" for name, n in zip(labels, counts, strict=True))
        for label, counts, _ in series
    )
    return (
        f'<figure><figcaption id="{chart_id}-caption">{h(title)}</figcaption>'
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="{round(width * 1.4)}" '
        f'height="{round(height * 1.4)}">'
        f'<title id="{chart_id}-title">{h(title)}</title>'
        f'<desc id="{chart_id}-desc">{h(described)}</desc>' + "".join(parts) + "</svg></figure>"
    )


def _shown(value: int | None) -> str:
    return "–" if value is None else str(value)


def render_html(summary: Summary, anonymise: bool = False) -> str:
    """The summary as one self-contained, printable HTML document."""
    w = Wording(summary, anonymise)
    f = summary.figures
    title = w.title()
    out: list[str] = []
    add = out.append
    add("<!DOCTYPE html>")
    add('<html lang="en">')
    add("<head>")
    add('<meta charset="utf-8">')
    add(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add('<meta name="referrer" content="no-referrer">')
    add(f"<title>{'DRAFT – ' if not summary.approved else ''}{h(title)}</title>")
    add(f"<style>{CSS}</style>")
    add("</head>")
    add("<body>")
    add("<main>")
    if not summary.approved:
        add('<div class="draft" role="note">')
        add(f"<p><strong>{h(DRAFT_MARKER)}.</strong></p>")
        add("<p>" + "<br>".join(h(x) for x in w.approval_lines()) + "</p>")
        add("</div>")
    add("<header>")
    add(f"<h1>{h(title)}</h1>")
    add(f'<p class="lead">A shareable summary of a reverse-mentoring pair. {h(w.as_of())}</p>')
    add("</header>")

    add('<section aria-labelledby="pair">')
    add('<h2 id="pair">The pair</h2>')
    add('<dl class="figures">')
    for label, value in pair_lines(w):
        add(f"<dt>{h(label)}</dt><dd>{h(value)}</dd>")
    add("</dl>")
    add("</section>")

    add('<section aria-labelledby="figures">')
    add('<h2 id="figures">The review in figures</h2>')
    add('<dl class="figures">')
    for label, value in figure_lines(w):
        add(f"<dt>{h(label)}</dt><dd>{h(value)}</dd>")
    add("</dl>")
    add("<h3>The relationship</h3>")
    add('<dl class="figures">')
    for label, value in relationship_lines(w):
        add(f"<dt>{h(label)}</dt><dd>{h(value)}</dd>")
    add("</dl>")
    add("<table><caption>Actions and commitments by status</caption>")
    add(
        '<thead><tr><th scope="col">Status</th><th scope="col" class="n">Actions</th>'
        '<th scope="col" class="n">Commitments</th><th scope="col" class="n">Total</th>'
        "</tr></thead><tbody>"
    )
    for status, actions, commitments, total in status_table(f):
        add(
            f'<tr><th scope="row">{h(status)}</th><td class="n">{actions}</td>'
            f'<td class="n">{commitments}</td><td class="n">{total}</td></tr>'
        )
    add("</tbody></table>")
    add("<table><caption>Actions and commitments by owner</caption><thead><tr>")
    add('<th scope="col">Owner</th>')
    for s in STATUS_WORDS.values():
        add(f'<th scope="col" class="n">{h(s.capitalize())}</th>')
    add("</tr></thead><tbody>")
    for owner, counts in owner_table(f, w):
        cells = "".join(f'<td class="n">{n}</td>' for n in counts)
        add(f'<tr><th scope="row">{h(owner)}</th>{cells}</tr>')
    add("</tbody></table>")
    add(bar_chart("chart-sessions", "Sessions held per month", [
        ("sessions held", f.sessions_by_month, "fill"),
    ]))  # fmt: skip
    add(bar_chart("chart-actions", "Actions agreed and closed per month", [
        ("agreed (filled)", f.opened_by_month, "fill"),
        ("closed (outlined)", f.closed_by_month, "outline"),
    ]))  # fmt: skip
    add(bar_chart("chart-learnings", "Learnings recorded per month", [
        ("learnings", f.learnings_by_month, "fill"),
    ]))  # fmt: skip
    add("<table><caption>Month by month</caption><thead><tr>")
    add(
        '<th scope="col">Month</th><th scope="col" class="n">Sessions held</th>'
        '<th scope="col" class="n">Actions agreed</th><th scope="col" class="n">Actions closed'
        '</th><th scope="col" class="n">Learnings</th></tr></thead><tbody>'
    )
    for month, held, opened, closed, learned in month_table(f):
        add(
            f'<tr><th scope="row">{month}</th><td class="n">{held}</td><td class="n">{opened}'
            f'</td><td class="n">{closed}</td><td class="n">{learned}</td></tr>'
        )
    add("</tbody></table>")
    add("</section>")

    add('<section aria-labelledby="goals">')
    add('<h2 id="goals">Goals</h2>')
    if not summary.goals:
        add("<p>No goal is marked shareable.</p>")
    for g in summary.goals:
        add(f"<h3>Goal of {h(w.who(g.goal.owner))}</h3>")
        add(f"<blockquote>{paragraphs(w.text(g.goal.text))}</blockquote>")
        status = cap(goal_status_line(g.goal.status, g.goal.status_note, w))
        add(f'<p class="meta">{h(status)}</p>')
        if g.actions or g.learnings:
            add("<ul>")
            for a in g.actions:
                add(f"<li>{h(cap(action_line(a, w)))}: {h(w.text(a.title))}</li>")
            for e in g.learnings:
                add(f"<li>Learning ({h(entry_line(e, w))}): {h(w.text(e.text))}</li>")
            add("</ul>")
    add("</section>")

    add('<section aria-labelledby="opportunities">')
    add('<h2 id="opportunities">Opportunities</h2>')
    if not f.opportunities:
        add("<p>No opportunity is marked shareable.</p>")
    else:
        add("<ul>")
        for o in f.opportunities:
            came = f": {h(w.text(o.outcome))}" if o.outcome else ""
            what = h(opportunity_line(o, w))
            add(f"<li><strong>{h(w.text(o.title))}</strong> ({what}){came}</li>")
        add("</ul>")
    if f.a_year_on:
        add("<h3>A year on</h3><ul>")
        for a in f.a_year_on:
            note = f": {h(w.text(a.check_in_note))}" if a.check_in_note else ""
            add(f"<li><strong>{h(w.text(a.title))}</strong> ({h(year_on_line(a))}){note}</li>")
        add("</ul>")
    add("</section>")

    add('<section aria-labelledby="learned">')
    add('<h2 id="learned">What we learned</h2>')
    if not summary.learnings:
        add("<p>No learning is marked shareable.</p>")
    else:
        add("<ul>")
        for e in summary.learnings:
            add(
                f'<li><p class="meta">{h(cap(entry_line(e, w)))}</p>'
                f"{paragraphs(w.text(e.text))}</li>"
            )
        add("</ul>")
    add("</section>")

    add('<section aria-labelledby="actions">')
    add('<h2 id="actions">Commitments and actions</h2>')
    if not summary.actions:
        add("<p>No commitment or action is marked shareable.</p>")
    else:
        add("<ul>")
        for a in summary.actions:
            add(
                f"<li><strong>{h(w.text(a.title))}</strong> "
                f'<span class="meta">({h(action_line(a, w))})</span>'
                f"{paragraphs(w.text(a.detail))}</li>"
            )
        add("</ul>")
    add("</section>")

    if summary.agenda or summary.notes:
        add('<section aria-labelledby="sessions">')
        add('<h2 id="sessions">From our sessions</h2>')
        add("<ul>")
        for item in summary.agenda:
            meta = (
                f"{summary.session_label(item.session_id)}; raised by "
                f"{w.who(item.raised_by)}; {OUTCOME_WORDS[item.outcome]}"
            )
            add(
                f"<li><strong>{h(w.text(item.topic))}</strong> "
                f'<span class="meta">({h(meta)})</span>{paragraphs(w.text(item.notes))}</li>'
            )
        for e in summary.notes:
            prompt = f"<p><em>{h(w.text(e.prompt))}</em></p>" if e.prompt else ""
            add(
                f'<li><p class="meta">{h(cap(e.kind + " by " + entry_line(e, w)))}</p>'
                f"{prompt}{paragraphs(w.text(e.text))}</li>"
            )
        add("</ul>")
        add("</section>")

    add('<footer aria-labelledby="approval">')
    add('<h2 id="approval">Approval</h2>')
    css_class = "approved" if summary.approved else "draft"
    add(f'<div class="{css_class}">')
    for line in w.approval_lines():
        add(f"<p>{h(line)}</p>")
    add("</div>")
    add("</footer>")
    add("</main>")
    add("</body>")
    add("</html>")
    return "\n".join(out) + "\n"
