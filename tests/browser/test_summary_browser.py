"""The HTML summary in a real browser: axe-core finds nothing, in normal and forced-colours modes,
and the page reflows at 320 px wide without horizontal scrolling (WCAG 1.4.10).

Headless Debian chromium is driven over the DevTools protocol on a pipe (cdp.py); axe-core comes
from npm into tests/browser/node_modules (`npm ci --prefix tests/browser`). `.ci/run` installs both
and sets RMJOURNAL_BROWSER_TESTS=required, so in CI a missing tool fails instead of skipping.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import CHROMIUM, Browser

from rmjournal.core.clock import FixedClock
from rmjournal.core.interchange import import_document
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret
from rmjournal.core.summary import render_summary

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
REQUIRED = os.environ.get("RMJOURNAL_BROWSER_TESTS") == "required"
FORCED_DARK = [
    {"name": "forced-colors", "value": "active"},
    {"name": "prefers-color-scheme", "value": "dark"},
]
FORCED_LIGHT = [
    {"name": "forced-colors", "value": "active"},
    {"name": "prefers-color-scheme", "value": "light"},
]


def _tools() -> None:
    missing = [
        what
        for what, there in (("chromium", CHROMIUM is not None), ("axe-core", AXE.exists()))
        if not there
    ]
    if missing:
        message = f"{' and '.join(missing)} missing (see .ci/run for how they are installed)"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def page(journal_dir: Path, clock: FixedClock, example_doc: dict, tmp_path: Path) -> Path:
    """The example journal's summary as an HTML file (a draft: one approval is missing)."""
    jf, _ = JournalFile.create(
        journal_dir / "pair.rmj",
        passphrase=Secret.passphrase("correct horse battery staple"),
        test_kdf=True,
        clock=clock,
    )
    with jf:
        import_document(jf.journal, example_doc)
        path = tmp_path / "summary.html"
        path.write_text(render_summary(jf.journal, "html"), encoding="utf-8")
    return path


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    _tools()
    with Browser(tmp_path / "chromium") as opened:
        opened.call("Page.setBypassCSP", enabled=True)  # the page forbids scripts; axe is one
        yield opened


def axe_violations(browser: Browser) -> list[str]:
    """axe-core's violations on the loaded page, one line each (rule, impact, where)."""
    browser.evaluate(AXE.read_text(encoding="utf-8"))
    found = browser.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify("
        "r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))])))"
    )
    return [f"{rule} ({impact}): {', '.join(where)}" for rule, impact, where in json.loads(found)]


def test_axe_finds_nothing_in_normal_colours(browser: Browser, page: Path) -> None:
    browser.open(page.as_uri())
    assert axe_violations(browser) == []
    # The page did load the summary (axe on an empty page would find nothing too).
    assert browser.evaluate("document.querySelectorAll('svg.chart').length") == 3


@pytest.mark.parametrize("features", [FORCED_DARK, FORCED_LIGHT], ids=["dark", "light"])
def test_forced_colours_charts_use_system_colours(
    browser: Browser, page: Path, features: list[dict[str, str]]
) -> None:
    browser.call("Emulation.setEmulatedMedia", features=features)
    browser.open(page.as_uri())
    assert browser.evaluate("matchMedia('(forced-colors: active)').matches") is True
    colours = json.loads(
        browser.evaluate(
            "JSON.stringify((() => {"
            " const s = e => getComputedStyle(document.querySelector(e));"
            " return {text: s('body').color, canvas: s('body').backgroundColor,"
            "  label: s('svg.chart text').fill, bar: s('svg.chart rect.fill').fill,"
            "  outline: s('svg.chart rect.outline').stroke,"
            "  hollow: s('svg.chart rect.outline').fill, axis: s('svg.chart .axis').stroke};"
            "})())"
        )
    )
    # Chart labels, bars and axes take the system's text colour, shapes stay tell-apart.
    assert colours["label"] == colours["text"], colours
    assert colours["bar"] == colours["text"] and colours["outline"] == colours["text"], colours
    assert colours["axis"] == colours["text"], colours
    assert colours["hollow"] == colours["canvas"] != colours["text"], colours
    assert axe_violations(browser) == []


def test_reflows_at_320_px_without_horizontal_scroll(browser: Browser, page: Path) -> None:
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=320,
        height=800,
        deviceScaleFactor=1,
        mobile=False,
    )
    browser.open(page.as_uri())
    sizes = json.loads(
        browser.evaluate(
            "JSON.stringify({inner: innerWidth, scroll: document.documentElement.scrollWidth,"
            " widest: Math.max(...[...document.querySelectorAll('body *')]"
            ".map(e => e.getBoundingClientRect().right))})"
        )
    )
    assert sizes["inner"] == 320, sizes
    assert sizes["scroll"] <= 320, f"the page scrolls sideways at 320 px: {sizes}"
    assert sizes["widest"] <= 320 + 0.5, f"something runs off the screen at 320 px: {sizes}"
