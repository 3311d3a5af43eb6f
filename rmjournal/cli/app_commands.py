"""Sub-commands that lead into the app: `open` (`rmjournal [PATH]`) and `demo` (a lived-in demo
journal, then the unlock screen).

The app itself is imported lazily, only when it is about to run, so scripted commands never pay
for importing textual.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rmjournal.cli.common import add_test_kdf_option, allow_test_kdf
from rmjournal.text import plain


def data_folder() -> Path:
    """Where journals live: `data_dir` in config.toml, else the system's data folder
    (`rmjournal.paths.data_dir()`), the same folder the app's picker lists."""
    from rmjournal.config import journals_dir

    return journals_dir()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `open` and `demo` to the `rmjournal` parser."""
    opener = subparsers.add_parser(
        "open", help="open the app on PATH, or on a picker of the journals in the data folder"
    )
    opener.add_argument("path", nargs="?", type=Path, metavar="PATH", help="the journal file")
    add_test_kdf_option(opener)
    opener.set_defaults(handler=cmd_open)
    demo = subparsers.add_parser("demo", help="create a demo journal and open it in the app")
    demo.add_argument(
        "--path", type=Path, metavar="P", help="where (default: data folder/demo.rmj)"
    )
    demo.add_argument("--no-open", action="store_true", help="create it, but do not open the app")
    demo.add_argument(
        "--a-year-on",
        action="store_true",
        help="the same pair a year after it closed, with the check-in due (demo-a-year-on.rmj)",
    )
    add_test_kdf_option(demo)
    demo.set_defaults(handler=cmd_demo)


def cmd_open(args: argparse.Namespace) -> int:
    """Run the app on PATH (a missing file starts the "new pair journal" form) or the picker."""
    from rmjournal.app import run_app  # textual is imported only here, when the app runs

    return run_app(args.path, allow_test_kdf=allow_test_kdf(args))


def make_demo(path: Path, *, test_kdf: bool = False, a_year_on: bool = False) -> None:
    """Create the demo at `path`: the mentor's part, the mentee's slot, the mentee's part
    (`a_year_on`: the pair a year after closing, the check-in due)."""
    from rmjournal.core import demo
    from rmjournal.core.clock import FixedClock, default_clock
    from rmjournal.core.journalfile import JournalFile
    from rmjournal.core.secret import Secret

    # Stands at now, but the demo moves it to each session's evening for that session's entries;
    # the story's today is the real clock's (a local day, where a fixed clock's is UTC's).
    real = default_clock()
    clock, today = FixedClock(real.now()), real.today()
    jf, _recovery = JournalFile.create(
        path,
        passphrase=Secret.passphrase(demo.DEMO_PASSPHRASE),
        role="mentor",
        test_kdf=test_kdf,
        clock=clock,
    )
    with jf:
        demo.populate_mentor(jf.journal, today, a_year_on=a_year_on, clock=clock)
        jf.save()
        jf.vault.add_slot("mentee", Secret.passphrase(demo.DEMO_MENTEE_PASSPHRASE))
    with JournalFile.open(
        path,
        Secret.passphrase(demo.DEMO_MENTEE_PASSPHRASE),
        role_hint="mentee",
        allow_test_kdf=test_kdf,
        clock=clock,
    ) as mentee:
        demo.populate_mentee(mentee.journal, today, a_year_on=a_year_on, clock=clock)
        mentee.save()


def cmd_demo(args: argparse.Namespace) -> int:
    """Create the demo journal if missing, print its passphrases, then open the app on it."""
    from rmjournal.core import demo
    from rmjournal.core.safefile import make_private_dirs

    if args.path is None:
        from rmjournal.config import journals_dir, load_user_config

        loaded = load_user_config()
        for problem in loaded.problems:
            print(f"Settings: {problem} in config.toml; using the default.", file=sys.stderr)
        name = "demo-a-year-on.rmj" if args.a_year_on else "demo.rmj"
        path: Path = journals_dir(loaded) / name
    else:
        path = args.path
    make_private_dirs(path.parent)
    if path.exists():
        print(f"The demo journal is at {plain(str(path))}.")
    else:
        print("Creating the demo journal (this takes a few seconds)…", file=sys.stderr)
        make_demo(path, test_kdf=allow_test_kdf(args), a_year_on=args.a_year_on)
        print(f"Created the demo journal at {plain(str(path))}.")
    print(f"Passphrase (Priya, the mentor): {demo.DEMO_PASSPHRASE}")
    print(f"Passphrase (Martin, the mentee): {demo.DEMO_MENTEE_PASSPHRASE}")
    if args.no_open:
        return 0
    from rmjournal.app import run_app  # textual is imported only here, when the app runs

    hint = (
        f"Demo journal: Priya (mentor) types “{demo.DEMO_PASSPHRASE}”, "
        f"Martin (mentee) types “{demo.DEMO_MENTEE_PASSPHRASE}”."
    )
    return run_app(path, allow_test_kdf=allow_test_kdf(args), unlock_hint=hint)
