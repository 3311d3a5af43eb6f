"""The shell around the content: help from bindings, the palette, themes, config, literal text."""

from __future__ import annotations

from pathlib import Path

from testkit import PASSPHRASE
from textual.command import CommandList, CommandPalette
from textual.widgets import Label
from textual.widgets._header import HeaderTitle
from uikit import SIZE, make_journal, settle, unlock

from rmjournal.app import make_app, unsafe_environment
from rmjournal.app.config import Config, LoadedConfig, parse_config
from rmjournal.app.screens.actions import ActionsScreen
from rmjournal.app.screens.help import HelpScreen
from rmjournal.app.themes import ThemeInvalid, bundled_themes, theme_from_data
from rmjournal.core.errors import UsageError


def _notes(app) -> list[str]:
    return [f"{n.title}\n{n.message}" for n in app._notifications]


async def test_help_lists_every_app_key(app_factory, journal_path: Path) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = {(row.key, row.description) for row in app.screen.rows}
        for binding in app.BINDINGS:
            assert (app.get_key_display(binding), binding.description) in shown
        assert ("^p", "Command palette: find any command") in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_follows_a_remapped_key(app_factory, journal_path: Path) -> None:
    config = LoadedConfig(Config(keys={"go.actions": "f3"}))
    app = app_factory(journal_path, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
        keys = {row.key for row in app.key_rows() if row.description == "Actions"}
        assert keys == {"f3"}
        ids = {row.binding_id for row in app.key_rows() if row.description == "Actions"}
        assert ids == {"go.actions"}, "help names the id to remap a key with"


async def _palette_titles(app, pilot, query: str) -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    app.screen.query_one("CommandInput").value = query
    await pilot.pause(0.3)
    results = app.screen.query_one(CommandList)
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


async def test_palette_offers_every_journal_action(app_factory, journal_path: Path) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        titles = "\n".join(await _palette_titles(app, pilot, "go to"))
        for name in ("dashboard", "sessions", "actions", "review", "export"):
            assert f"Go to {name}" in titles
        await pilot.press("escape")
        titles = "\n".join(await _palette_titles(app, pilot, "lock now"))
        assert "Lock now" in titles
        await pilot.press("escape")
        titles = "\n".join(await _palette_titles(app, pilot, "screenshot"))
        assert "Screenshot" not in titles  # it would write journal text to disk
        await pilot.press("escape")
        await _palette_titles(app, pilot, "Go to actions")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ActionsScreen)


async def test_theme_switch_from_the_palette(app_factory, journal_path: Path) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "dark"
        titles = await _palette_titles(app, pilot, "theme high")
        assert any("Theme: high-contrast" in t for t in titles)
        app.screen.query_one(CommandList).highlighted = next(
            i for i, t in enumerate(titles) if "Theme: high-contrast" in t
        )
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "high-contrast"
        assert app.current_theme.background == "#000000"


async def test_a_new_mode_is_styled_without_parsing_every_stylesheet_again(
    app_factory, journal_path: Path, monkeypatch
) -> None:
    """Unlocking and each mode's first visit style the new screen as it mounts: Textual's full
    re-parse (its cache cleared, ~20 ms each, twice per new mode) runs only for a theme change,
    and a mode first shown after one is drawn in the new theme."""
    from textual.css.stylesheet import Stylesheet

    from rmjournal.app.screens.sessions import SessionsScreen

    reparses = []
    real = Stylesheet.reparse

    def counted(self: Stylesheet) -> None:
        reparses.append(1)
        real(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reparses.clear()
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ActionsScreen)
        assert reparses == []
        app.use_theme("high-contrast", quiet=True)
        await settle(app, pilot)
        assert reparses
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert app.screen.styles.background.hex == "#000000"


async def test_config_theme_and_fallback(app_factory, journal_path: Path) -> None:
    app = app_factory(journal_path, config=LoadedConfig(Config(theme="light")))
    async with app.run_test(size=SIZE):
        assert app.theme == "light"
    app = app_factory(journal_path, config=LoadedConfig(Config(theme="no-such-theme")))
    async with app.run_test(size=SIZE):
        assert app.theme == "dark"
        assert any("no-such-theme" in n for n in _notes(app))


async def test_user_themes_loaded_and_failures_in_one_notification(
    app_factory, journal_path: Path, tmp_path: Path
) -> None:
    themes = tmp_path / "cfg" / "themes"
    themes.mkdir(parents=True)
    (themes / "ours.toml").write_text('name = "ours"\n[colors]\nprimary = "#123456"\n')
    (themes / "broken.toml").write_text("name = [\n")
    (themes / "badcolour.toml").write_text('name = "bad"\n[colors]\nprimary = "reddish"\n')
    app = app_factory(journal_path, config_dir=tmp_path / "cfg")
    async with app.run_test(size=SIZE):
        assert "ours" in app.available_themes
        failing = [n for n in _notes(app) if "not loaded" in n]
        assert len(failing) == 1
        assert "broken.toml" in failing[0] and "badcolour.toml" in failing[0]
        assert "reddish" in failing[0]


async def test_bad_config_gives_one_notification_and_defaults(
    journal_path: Path, tmp_path: Path, clock
) -> None:
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.toml").write_text('theme = 3\nlock_timeout_minutes = "soon"\nwho = 1\n')
    app = make_app(journal_path, clock=clock, config_dir=cfg, allow_test_kdf=True)
    assert app.lock_timeout == 600
    async with app.run_test(size=SIZE):
        settings = [n for n in _notes(app) if "Settings" in n]
        assert len(settings) == 1
        assert "lock_timeout_minutes" in settings[0] and "who" in settings[0]
        assert app.theme == "dark"


def test_config_parsing() -> None:
    loaded = parse_config('theme = "light"\nlock_timeout_minutes = 2\ndata_dir = "~/j"\n')
    assert loaded.problems == []
    assert loaded.config.theme == "light" and loaded.config.lock_timeout_minutes == 2
    assert loaded.config.data_dir == Path("~/j").expanduser()
    assert parse_config("theme = [").problems


def test_bundled_themes_are_valid_and_named() -> None:
    assert [t.name for t in bundled_themes()] == ["dark", "light", "high-contrast"]
    for bad in (
        {"name": "x"},
        {"name": "x", "colors": {"primary": "#fff", "glow": "#fff"}},
        {"name": "x", "colors": {"primary": "nope"}},
        {"name": "x", "colors": {"primary": "#fff"}, "extra": 1},
    ):
        try:
            theme_from_data(bad)
        except ThemeInvalid:
            continue
        raise AssertionError(f"accepted {bad}")


async def test_user_text_is_literal(app_factory, journal_dir: Path, clock) -> None:
    path = journal_dir / "[bold red]odd.rmj"
    make_journal(path, clock, mentor="[bold]x[/bold]\x1b[31mRED", mentee="[link=http://e]y[/link]")
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        name = str(app.screen.query_one("#journal-name", Label).render())
        assert name == "[bold red]odd.rmj"
        await unlock(app, pilot, PASSPHRASE)
        title = str(app.screen.query_one(HeaderTitle).render())
        assert "[bold]x[/bold]" in title and "[link=http://e]y[/link]" in title
        assert "\x1b" not in title and "␛[31mRED" in title


def test_refuses_textual_log_and_devtools() -> None:
    assert unsafe_environment({"TEXTUAL_LOG": "/tmp/log"})
    assert unsafe_environment({"TEXTUAL": "devtools"})
    assert unsafe_environment({"TEXTUAL": "debug,devtools"})
    assert unsafe_environment({"TEXTUAL": ""}) is None
    try:
        make_app(None, environ={"TEXTUAL": "devtools"})
    except UsageError as error:
        assert "devtools" in str(error)
    else:
        raise AssertionError("the app started with devtools on")
