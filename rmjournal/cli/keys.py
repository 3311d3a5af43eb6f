"""Sub-commands for the journal file and its keys: info, verify, passwd, slot, recovery-key, rekey,
backup.

They only call `core.vault`; every refusal is a `JournalError` whose message the dispatcher
prints with its exit code. The only secret ever printed is a new recovery key, once, on a line
starting `Recovery key: ` so scripts can pick it up.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rmjournal.cli.common import (
    add_json_option,
    add_path_argument,
    add_secret_options,
    add_test_kdf_option,
    allow_test_kdf,
    read_new_passphrase,
    read_secret,
    refuse_secret_option,
)
from rmjournal.core.errors import FileDamaged, UsageError
from rmjournal.core.model import ROLES, Role, other_role
from rmjournal.text import counted, plain

if TYPE_CHECKING:  # the vault (and cryptography) is imported by the commands that use it
    from rmjournal.core.journal import Journal
    from rmjournal.core.secret import Secret
    from rmjournal.core.vault import Vault

LOCK_WAIT = 1.0
"""Seconds a command waits for a journal another command is just finishing with."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the key-management commands to the `rmjournal` parser."""
    info = subparsers.add_parser("info", help="format, key derivation and slots (no passphrase)")
    add_path_argument(info)
    add_json_option(info)
    add_test_kdf_option(info)
    info.set_defaults(handler=cmd_info)

    verify = subparsers.add_parser("verify", help="unlock and check the whole journal")
    add_path_argument(verify)
    add_secret_options(verify)
    verify.set_defaults(handler=cmd_verify)

    passwd = subparsers.add_parser("passwd", help="change your passphrase")
    add_path_argument(passwd)
    add_secret_options(passwd)
    _add_new_passphrase_option(passwd)
    passwd.set_defaults(handler=cmd_passwd)

    slot = subparsers.add_parser("slot", help="add or remove a key slot")
    slot_sub = slot.add_subparsers(dest="slot_command", metavar="ACTION", parser_class=type(slot))
    add = slot_sub.add_parser("add", help="add a passphrase slot (the partner's, typed by them)")
    add_path_argument(add)
    add.add_argument("--role", choices=ROLES, required=True, help="whose slot this is")
    add_secret_options(add, role=False)
    _add_new_passphrase_option(add)
    add.set_defaults(handler=cmd_slot_add)
    remove = slot_sub.add_parser("remove", help="remove a slot (numbers as `info` lists them)")
    add_path_argument(remove)
    remove.add_argument("index", type=int, metavar="INDEX", help="the slot number")
    add_secret_options(remove)
    remove.add_argument(
        "--partner-passphrase-file",
        type=Path,
        metavar="FILE",
        help="the partner's passphrase, to remove one of their slots (else they type it)",
    )
    _refuse_partner_passphrase(remove)
    remove.set_defaults(handler=cmd_slot_remove)

    rkey = subparsers.add_parser("recovery-key", help="a new recovery key (the old one stops)")
    add_path_argument(rkey)
    add_secret_options(rkey)
    rkey.set_defaults(handler=cmd_recovery_key)

    rekey = subparsers.add_parser("rekey", help="new pair key and recovery keys")
    add_path_argument(rekey)
    add_secret_options(rekey)
    rekey.add_argument(
        "--partner-passphrase-file",
        type=Path,
        metavar="FILE",
        help="the partner's passphrase (else they type it at a prompt)",
    )
    _refuse_partner_passphrase(rekey)
    rekey.set_defaults(handler=cmd_rekey)

    backup = subparsers.add_parser("backup", help="an encrypted copy, verified after writing")
    add_path_argument(backup)
    backup.add_argument(
        "--out", type=Path, metavar="FILE", help="where (default: a backups/ folder beside it)"
    )
    add_secret_options(backup)
    backup.set_defaults(handler=cmd_backup)


def _add_new_passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--new-passphrase-file", type=Path, metavar="FILE", help="the new passphrase (first line)"
    )
    refuse_secret_option(
        parser, "--new-passphrase", "with --new-passphrase-file FILE, or leave it out to be asked"
    )


def _refuse_partner_passphrase(parser: argparse.ArgumentParser) -> None:
    refuse_secret_option(
        parser,
        "--partner-passphrase",
        "with --partner-passphrase-file FILE, or leave it out for your partner to type it",
    )


def _open(args: argparse.Namespace) -> Vault:
    """The journal named on the command line, unlocked with the secret the options give."""
    from rmjournal.core.vault import Vault

    secret = read_secret(args)
    return Vault.open(
        args.path,
        secret,
        # `slot add --role` names the new slot's role; everywhere else `--role` is the hint.
        role_hint=None if args.handler is cmd_slot_add else getattr(args, "role", None),
        allow_test_kdf=allow_test_kdf(args),
        lock_wait=LOCK_WAIT,
    )


def _print_recovery_key(text: str, whose: str) -> None:
    print(f"New recovery key for {whose} (shown once; write it down and keep it offline):")
    print(f"Recovery key: {text}")


def cmd_info(args: argparse.Namespace) -> int:
    """Print the header facts; the lock is checked so an open journal reports exit 5."""
    from rmjournal.core.locking import JournalLock
    from rmjournal.core.vault import inspect

    lock = JournalLock(args.path, LOCK_WAIT) if args.path.exists() else None
    try:
        facts = inspect(args.path)
    finally:
        if lock is not None:
            lock.release()
    if args.json:
        from rmjournal.cli.common import print_json

        print_json(
            {
                "path": str(facts.path),
                "version": facts.version,
                "file_id": facts.file_id,
                "size": facts.size,
                "modified": facts.modified.isoformat(timespec="seconds"),
                "generation": facts.generation,
                "test_kdf": facts.test_kdf,
                "slots": [
                    {"number": s.number, "role": s.role, "kind": s.kind, "kdf": s.kdf}
                    for s in facts.slots
                ],
            }
        )
        return 0
    print(f"Journal:        {plain(str(facts.path))}")
    print(f"Format:         version {facts.version}")
    print(f"File id:        {facts.file_id}")
    print(f"Size:           {facts.size} bytes")
    print(f"Last save:      {facts.modified.astimezone():%Y-%m-%d %H:%M:%S %Z}")
    print(f"Saves:          {facts.generation}")
    if facts.test_kdf:
        print("Warning:        made with the INSECURE test key derivation (for tests only)")
    print("Slots:")
    for slot in facts.slots:
        print(f"  {slot.number}  {slot.role:<6}  {slot.kind:<10}  {slot.kdf}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Unlock (both tags verified), then check the database inside with SQLite's own check."""
    import sqlite3

    with _open(args) as vault:
        body = vault.take_body()  # the decrypted buffer itself: no second copy
        size = len(body)  # the row checks below may hand the buffer to their database
        conn = sqlite3.connect(":memory:")
        try:
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.deserialize(body)
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError:
            rows = [("not a database",)]
        finally:
            conn.close()
        if rows != [("ok",)]:
            raise FileDamaged(
                f"{args.path.name} opens, but the database inside is damaged. "
                "Restore it from a backup or your partner's copy."
            )
        if _problems_listed(args, vault, body):  # `body` is not to be used after this
            return 1
        print(
            f"{args.path.name} is sound: keys, checksum and authentication verified, "
            f"database intact ({size} bytes, {vault.generation} saves)."
        )
    return 0


def _problems_listed(args: argparse.Namespace, vault: Vault, body: bytes | memoryview) -> bool:
    """List the rows that fail their checks (what `export` would otherwise trip on): those set
    aside before and those found now; then the rows whose words their signature does not
    prove (`_unproven_listed`). Whether there were any of either."""
    from rmjournal.core.journal import Journal
    from rmjournal.text import one_line

    try:
        # SQLite deserializes from the decrypted buffer itself: no third copy of the body.
        journal = Journal.from_bytes(
            cast(bytes, body), me=vault.role, cipher=vault.private_cipher()
        )
    except FileDamaged:  # a sound SQLite body that holds no journal: nothing to check in it
        return False
    try:
        kept = journal.set_aside()
        unproven = _unproven_listed(args, journal)
    finally:
        journal.close()
    if not kept:
        return unproven
    print(
        f"{args.path.name} opens and its database is intact, but {len(kept)} item"
        f"{' fails its' if len(kept) == 1 else 's fail their'} checks and "
        f"{'is' if len(kept) == 1 else 'are'} set aside (kept whole, left out of every command):"
    )
    for item in kept:
        print(f"  {one_line(item.describe())}")
    print(
        "Every command works without them. They were written by someone without your key, or by"
        " a script; your partner's copy or a backup may hold the real item.",
        file=sys.stderr,
    )
    return True


def _unproven_listed(args: argparse.Namespace, journal: Journal) -> bool:
    """List the items whose words do not carry a valid signature of their writer (an edit made
    to the file itself, which no merge sees), and say in one sentence how many could not be
    checked. Whether any failed."""
    from rmjournal.core import signing
    from rmjournal.core.journal import authorship
    from rmjournal.core.journal.checks import Failure
    from rmjournal.text import one_line

    proof = authorship.check_words(journal.records.execute, signing.key_finder(journal))
    unchecked = []
    if proof.unsigned:
        unchecked.append(
            f"{proof.unsigned} item{'s carry' if proof.unsigned != 1 else ' carries'} no"
            " signature (written before signatures, or by a script)"
        )
    if proof.unknown_key:
        unchecked.append(
            f"{proof.unknown_key} {'are' if proof.unknown_key != 1 else 'is'} signed with your"
            " partner's key, which this copy does not know yet (it comes with a merge)"
        )
    if unchecked:
        print(f"Not proven: {'; '.join(unchecked)}.", file=sys.stderr)
    if not proof.failing:
        return False
    count = len(proof.failing)
    print(
        f"{args.path.name} opens, but {counted(count, 'item')}"
        f" {'were' if count != 1 else 'was'} changed without the key of whoever wrote"
        f" {'them' if count != 1 else 'it'} (a script with the pair key, or a damaged sync):"
    )
    for table, item_id, reason in proof.failing:
        print(f"  {one_line(Failure(table, item_id, reason).describe())}")
    print(
        "Merge your partner's copy or a backup into this one: the version its writer signed"
        " is kept there, and the changed one set aside.",
        file=sys.stderr,
    )
    return True


def cmd_passwd(args: argparse.Namespace) -> int:
    """Change the unlocking person's passphrase."""
    with _open(args) as vault:
        new = read_new_passphrase(args)
        vault.change_passphrase(new)
        print(f"The {vault.role}'s passphrase of {plain(args.path.name)} was changed.")
    return 0


def _partner_secret(args: argparse.Namespace, them: str) -> Secret:
    """The partner's passphrase, typed by them (or from `--partner-passphrase-file`)."""
    asked = argparse.Namespace(
        passphrase_file=args.partner_passphrase_file,
        passphrase_stdin=False,
        recovery_key_file=None,
    )
    return read_secret(asked, label=f"The {them}'s passphrase (typed by them): ")


def cmd_slot_add(args: argparse.Namespace) -> int:
    """Add a passphrase slot for `--role` (the partner types their own new passphrase)."""
    from rmjournal.core import signing

    with _open(args) as vault:
        role: Role = args.role
        who = "your" if role == vault.role else f"the {role}'s"
        new = read_new_passphrase(args, who=who if role == vault.role else role)
        text = vault.add_slot(role, new)
        if vault.joined is not None:  # both present: pin both signing keys, each confirmed
            signing.pin_in_file(vault, vault.joined)
        print(f"Added a passphrase slot for the {role}.")
        if text:
            _print_recovery_key(text, f"the {role}")
    return 0


def cmd_slot_remove(args: argparse.Namespace) -> int:
    """Remove one slot by its number."""
    with _open(args) as vault:
        gone = vault.slots()[args.index] if 0 <= args.index < len(vault.slots()) else None
        partner: Secret | None = None
        if gone is not None and gone.role != vault.role:
            partner = _partner_secret(args, gone.role)
        vault.remove_slot(args.index, partner)
        if gone is not None:
            print(f"Removed slot {gone.number} ({gone.role} {gone.kind}).")
    return 0


def cmd_recovery_key(args: argparse.Namespace) -> int:
    """Replace the unlocking person's recovery key."""
    with _open(args) as vault:
        text = vault.new_recovery_key()
        print("Your old recovery key no longer opens the journal.")
        _print_recovery_key(text, f"the {vault.role}")
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    """New pair key and recovery keys; the partner types their passphrase if they have slots."""
    with _open(args) as vault:
        them = other_role(vault.role)
        partner: Secret | None = None
        if any(slot.role == them for slot in vault.slots()):
            partner = _partner_secret(args, them)
        texts = vault.rekey(partner)
        print(f"{plain(args.path.name)} has a new pair key; old recovery keys no longer open it.")
        for role, text in texts.items():
            _print_recovery_key(text, f"the {role}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the saved journal (still encrypted) and verify the copy opens."""
    from rmjournal.core.clock import default_clock

    if args.out is not None and str(args.out) == "-":
        raise UsageError(
            "A backup is written to a file so that it can be verified; give --out FILE, not -."
        )
    with _open(args) as vault:
        out = args.out
        if out is None:  # beside the journals, never among them (the picker lists those)
            from rmjournal.paths import backups_dir

            stamp = default_clock().now().astimezone().strftime("%Y%m%d-%H%M%S")
            name = f"{args.path.stem}-backup-{stamp}{args.path.suffix}"
            out = backups_dir(args.path.resolve().parent) / name
        vault.backup(out)
        print(f"Backed up to {plain(str(out))} (encrypted, verified).")
    return 0
