"""The coordinator's HTML report in a real browser, as the summary's is checked: axe-core finds
nothing in normal and forced-colours modes, it reflows at 320 px without horizontal scrolling,
and printed it keeps its charts and tables with nothing cut off at the side.

The returns are real (two Ed25519 keys each, both signatures), 40 pairs so every section shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import Browser
from test_summary_browser import FORCED_DARK, _tools, axe_violations

from benchmarks.bench_scheme import make_returns
from rmjournal.core.crypto import verify_signature
from rmjournal.core.scheme.render import render_report
from rmjournal.core.scheme.report import build_report


@pytest.fixture
def page(tmp_path: Path) -> Path:
    """The report over 40 returns and one tampered file, as an HTML file."""
    files: list[tuple[str, bytes | str]] = [*make_returns(40), ("tampered.json", b"{}")]
    path = tmp_path / "report.html"
    path.write_text(render_report(build_report(files, verify_signature), "html"), "utf-8")
    return path


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    _tools()
    with Browser(tmp_path / "chromium") as opened:
        opened.call("Page.setBypassCSP", enabled=True)  # the page forbids scripts; axe is one
        yield opened


def test_axe_finds_nothing_and_the_charts_are_there(browser: Browser, page: Path) -> None:
    browser.open(page.as_uri())
    assert axe_violations(browser) == []
    assert browser.evaluate("document.querySelectorAll('svg.chart').length") == 3
    assert "tampered.json" in browser.evaluate("document.body.innerText")


def test_forced_colours(browser: Browser, page: Path) -> None:
    browser.call("Emulation.setEmulatedMedia", features=FORCED_DARK)
    browser.open(page.as_uri())
    assert browser.evaluate("matchMedia('(forced-colors: active)').matches") is True
    assert axe_violations(browser) == []


@pytest.mark.parametrize("media", ["screen", "print"])
def test_reflows_at_320_px_and_prints_without_cutting(
    browser: Browser, page: Path, media: str
) -> None:
    browser.call(
        "Emulation.setDeviceMetricsOverride", width=320, height=800, deviceScaleFactor=1,
        mobile=False,
    )  # fmt: skip
    browser.call("Emulation.setEmulatedMedia", media=media)
    browser.open(page.as_uri())
    sizes = json.loads(
        browser.evaluate(
            "JSON.stringify({inner: innerWidth, scroll: document.documentElement.scrollWidth,"
            " widest: Math.max(...[...document.querySelectorAll('body *')]"
            ".map(e => e.getBoundingClientRect().right)),"
            " charts: [...document.querySelectorAll('svg.chart')]"
            ".filter(e => e.getBoundingClientRect().height > 0).length})"
        )
    )
    assert sizes["scroll"] <= 320, f"the page scrolls sideways at 320 px: {sizes}"
    assert sizes["widest"] <= 320 + 0.5, f"something runs off the side at 320 px: {sizes}"
    assert sizes["charts"] == 3, sizes
