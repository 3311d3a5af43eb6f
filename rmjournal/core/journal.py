"""Journal: every domain operation of a pair journal, used alike by the app and the command line.

A Journal wraps the in-memory database of `store.py` for one reader (`me`, the role that unlocked
the file) and that reader's `PrivateCipher`. It returns the records of `model.py`. The text of
a private item is sealed with its author's personal key before it reaches the database; the
partner gets such items with `hidden=True` and empty text. Every write bumps `changes`, which the
app's autosave watches. Nothing here imports textual.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rmjournal.core import store
from rmjournal.core.clock import Clock, default_clock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    ENTRY_KINDS,
    OPEN_STATUSES,
    OUTCOMES,
    OWNERS,
    PHASES,
    PROMPT_FOR,
    ROLES,
    SESSION_STATUSES,
    VISIBILITIES,
    Action,
    ActionKind,
    ActionStatus,
    AgendaItem,
    Entry,
    EntryKind,
    FollowUp,
    Goal,
    Outcome,
    Owner,
    Pair,
    Person,
    Phase,
    Prompt,
    PromptFor,
    Role,
    SearchHit,
    Session,
    SessionStatus,
    Visibility,
)
from rmjournal.core.prompts import builtin_prompts, matches

if TYPE_CHECKING:
    import sqlite_utils

Row = dict[str, Any]


class _Unset:
    """Marks an optional argument that was not given (None may be a real value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()

_VISIBLE_TABLES = ("goals", "agenda_items", "entries", "actions", "follow_ups")
_CLOSED: tuple[ActionStatus, ...] = ("done", "dropped")
_MAIN_TEXT = {
    "entries": "text",
    "agenda_items": "notes",
    "actions": "detail",
    "follow_ups": "note",
    "goals": "text",
}
"""The column `recent()` shows as an item's text (the title is shown apart)."""


class PartnersPrivateItem(JournalError):
    """The item is private to the partner: it can be neither read nor changed by this reader."""


def _check(value: object, allowed: Sequence[object], what: str) -> None:
    if value not in allowed:
        raise JournalError(f"{what} must be one of {', '.join(map(str, allowed))}, not {value!r}.")


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def add_months(day: date, months: int) -> date:
    """`day` moved on by whole calendar months (clamped to the month's last day)."""
    import calendar  # here: few commands plan dates, and every command imports this module

    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _beside(title: str, snippet: str) -> str:
    """`snippet` on one line, or "" when it only repeats `title` (an agenda item without notes
    matches on its topic, which its title already shows)."""
    line = " ".join(snippet.split())
    return "" if line.strip("… ") in title else line


def fts_query(text: str) -> str:
    """User words as a safe FTS5 query: every term quoted (AND of terms), `word*` kept as prefix.

    User text is data: quoting means no FTS5 operator or syntax a person types can cause an error.
    """
    terms: list[str] = []
    for token in text.split():
        prefix = token.endswith("*")
        word = token.replace('"', " ").strip("*").strip()
        if not word or not re.search(r"\w", word):
            continue
        terms.append('"' + word + '"' + ("*" if prefix else ""))
    return " ".join(terms)


class Journal:
    """A pair journal opened by one person: the domain operations over its in-memory database.

    Every method names what a person does ("plan the next session", "agree an action", "follow
    up"), so the app and the CLI share one set of rules.
    """

    def __init__(
        self,
        db: sqlite_utils.Database | sqlite3.Connection,
        *,
        me: Role,
        cipher: PrivateCipher,
        clock: Clock | None = None,
    ) -> None:
        _check(me, ROLES, "The reader's role")
        if isinstance(db, sqlite3.Connection):
            self._db: sqlite_utils.Database | None = None
            self.conn: sqlite3.Connection = db
        else:
            self._db = db
            self.conn = db.conn
        self.me: Role = me
        self.cipher = cipher
        self.clock: Clock = clock or default_clock()
        self.changes = 0
        self._tx_depth = 0
        self._private_index = False
        self._private_rows: dict[str, int] = {}

    # ------------------------------------------------------------------ lifecycle

    @property
    def db(self) -> sqlite_utils.Database:
        """The database as sqlite-utils sees it (made on first use: commands that only read
        and write rows through `conn` never import sqlite-utils)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    @classmethod
    def new(cls, *, me: Role, cipher: PrivateCipher, clock: Clock | None = None) -> Journal:
        """An empty journal (no pair yet) in memory, at the latest schema."""
        return cls(store.new_database(), me=me, cipher=cipher, clock=clock)

    @classmethod
    def from_bytes(
        cls, data: bytes, *, me: Role, cipher: PrivateCipher, clock: Clock | None = None
    ) -> Journal:
        """The journal held in a decrypted body, migrated to the latest schema if it is older."""
        return cls(store.load(data), me=me, cipher=cipher, clock=clock)

    def to_bytes(self) -> bytes:
        """The database as bytes for the vault to encrypt (the private search index stays out)."""
        return store.serialize(self.conn)

    def close(self) -> None:
        """Drop the database from memory (as far as Python allows)."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes so they all happen or none do (nested uses join the outer one)."""
        if self._tx_depth == 0:
            self.conn.execute("BEGIN")
        self._tx_depth += 1
        try:
            yield
        except BaseException:
            self._tx_depth -= 1
            if self._tx_depth == 0:
                self.conn.execute("ROLLBACK")
                self._private_index = False  # rebuilt on next search
            raise
        self._tx_depth -= 1
        if self._tx_depth == 0:
            self.conn.execute("COMMIT")

    # ------------------------------------------------------------------ low-level records

    def _stamp(self) -> str:
        return self.clock.stamp()

    def today(self) -> date:
        """Today as the journal's clock sees it (fixed in tests)."""
        return self.clock.today()

    @staticmethod
    def new_id() -> str:
        """A fresh random UUID (version 4, as `uuid.uuid4()` makes it) for a new record.

        Made here so that a command does not import `uuid` (and `platform`) only for this."""
        b = bytearray(os.urandom(16))
        b[6] = (b[6] & 0x0F) | 0x40  # version 4
        b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant
        h = b.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _raw(self, table: str, item_id: str) -> Row | None:
        cur = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (item_id,))  # noqa: S608
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cur.description], row, strict=True))

    def _select(
        self, table: str, where: str = "1", params: Sequence[Any] = (), order: str = "rowid"
    ) -> list[Row]:
        cur = self.conn.execute(
            f"SELECT * FROM {table} WHERE deleted_at IS NULL AND ({where}) ORDER BY {order}",  # noqa: S608
            tuple(params),
        )
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def _is_hidden(self, row: Row) -> bool:
        return row.get("visibility") == "private" and row.get("author") != self.me

    def _open(self, table: str, row: Row) -> tuple[Row, bool]:
        """The row with private fields opened, or blanked (and True) if it is the partner's."""
        if row.get("visibility") != "private":
            return row, False
        plain = dict(row)
        fields = store.PRIVATE_FIELDS.get(table, ())
        if row.get("author") != self.me:
            for f in fields:
                if plain.get(f) is not None:
                    plain[f] = "[]" if f == "tags" else ""
            if plain.get("prompt") is not None:
                plain["prompt"] = None
            return plain, True
        for f in fields:
            value = plain.get(f)
            if value is not None:
                plain[f] = self.cipher.open(row["id"], f, value)
        return plain, False

    def _seal(self, table: str, plain: Row) -> Row:
        if plain.get("visibility") != "private":
            return plain
        if plain.get("author") != self.me:
            raise PartnersPrivateItem("Only its author can write a private item.")
        sealed = dict(plain)
        for f in store.PRIVATE_FIELDS.get(table, ()):
            value = sealed.get(f)
            if value is not None:
                sealed[f] = self.cipher.seal(plain["id"], f, value)
        return sealed

    def _put(self, table: str, plain: Row) -> None:
        """Insert or update one record by id from plaintext values; seal, index, count it."""
        row = self._seal(table, plain)
        cols = list(row)
        exists = self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row["id"],)).fetchone()  # noqa: S608
        if exists:
            sets = ", ".join(f"{c} = ?" for c in cols if c != "id")
            self.conn.execute(
                f"UPDATE {table} SET {sets} WHERE id = ?",  # noqa: S608
                [row[c] for c in cols if c != "id"] + [row["id"]],
            )
        else:
            self.conn.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608
                [row[c] for c in cols],
            )
        # The shared search index follows by itself (triggers, see store._migrate_5).
        if self._private_index and table in store.INDEXED_TABLES:
            self._reindex_private(table, plain)
        self.changes += 1

    def _get(self, table: str, item_id: str, what: str) -> Row:
        """The plaintext of a record this reader may change; NotFound / PartnersPrivateItem else."""
        row = self._raw(table, item_id)
        if row is None or row.get("deleted_at"):
            raise NotFound(f"No {what} with id {item_id} in this journal.")
        plain, hidden = self._open(table, row)
        if hidden:
            raise PartnersPrivateItem(
                f"That {what} is private to your partner; only they can change it."
            )
        return plain

    def _update(self, table: str, item_id: str, what: str, **fields: Any) -> Row:
        plain = self._get(table, item_id, what)
        plain.update(fields)
        plain["updated_at"] = self._stamp()
        self._check_private_author(table, plain)
        self._put(table, plain)
        return plain

    def _base(self, item_id: str | None = None) -> Row:
        now = self._stamp()
        return {
            "id": item_id or self.new_id(),
            "created_at": now,
            "updated_at": now,
            "author": self.me,
            "deleted_at": None,
        }

    def _check_private_author(self, table: str, plain: Row) -> None:
        """A private item must name its author where the interchange format carries one."""
        if plain.get("visibility") != "private":
            return
        named = {
            "goals": plain.get("owner"),
            "agenda_items": plain.get("raised_by"),
            "actions": plain.get("owner"),
        }.get(table, self.me)
        if named not in (self.me, "both"):
            raise JournalError(
                "A private item must be your own (raised by you, or owned by you or both of you)."
            )

    # ------------------------------------------------------------ records (interchange, merge)

    def raw_record(self, table: str, item_id: str) -> Row | None:
        """The stored row (sealed, tombstones included) for merging; None if absent."""
        if table not in store.RECORD_TABLES:
            raise ValueError(f"not a record table: {table}")
        return self._raw(table, item_id)

    def record_ids(self) -> dict[str, tuple[str, str | None, str | None]]:
        """Every record id (tombstones included) with its table, visibility and author."""
        known: dict[str, tuple[str, str | None, str | None]] = {}
        for table in store.RECORD_TABLES:
            vis = "visibility" if table in _VISIBLE_TABLES else "NULL"
            for item_id, visibility, author in self.conn.execute(
                f"SELECT id, {vis}, author FROM {table}"  # noqa: S608 - fixed names
            ):
                known[item_id] = (table, visibility, author)
        return known

    def put_record(self, table: str, plain: Row) -> None:
        """Write a whole record as given (plaintext, own timestamps) by id: for import and merge.

        Private text is sealed with this reader's key; a private record must be the reader's own.
        """
        if table not in store.RECORD_TABLES:
            raise ValueError(f"not a record table: {table}")
        self._put(table, plain)

    # ------------------------------------------------------------------ the pair

    def pair(self) -> Pair | None:
        """The pair and its plan, or None before it is set (a journal fresh from `new()`)."""
        rows = self._select("pair")
        if not rows:
            return None
        r = rows[0]
        return Pair(
            id=r["id"],
            title=r["title"],
            mentor=Person(r["mentor_name"], r["mentor_role"] or "", r["mentor_network"]),
            mentee=Person(r["mentee_name"], r["mentee_role"] or "", r["mentee_network"]),
            started_on=date.fromisoformat(r["started_on"]),
            cadence_days=int(r["cadence_days"]),
            planned_sessions=int(r["planned_sessions"]),
            review_on=date.fromisoformat(r["review_on"]),
            agreement=r["agreement"] or "",
        )

    def start_pair(
        self,
        *,
        mentor: Person,
        mentee: Person,
        title: str | None = None,
        started_on: date | None = None,
        cadence_days: int = 28,
        planned_sessions: int = 6,
        review_on: date | None = None,
        agreement: str = "",
        pair_id: str | None = None,
    ) -> Pair:
        """Set who the pair are and their plan (review six months after the start unless given)."""
        if cadence_days < 1 or planned_sessions < 1:
            raise JournalError("The cadence and the number of planned sessions must be at least 1.")
        started = started_on or self.today()
        pair = Pair(
            id=pair_id or self.new_id(),
            title=title or f"{mentor.name} & {mentee.name}",
            mentor=mentor,
            mentee=mentee,
            started_on=started,
            cadence_days=cadence_days,
            planned_sessions=planned_sessions,
            review_on=review_on or add_months(started, 6),
            agreement=agreement,
        )
        self.set_pair(pair)
        return pair

    def set_pair(self, pair: Pair) -> None:
        """Store the pair's details, replacing any earlier ones (the journal holds one pair)."""
        old = self._select("pair")
        base = self._base(pair.id)
        if old:
            base["created_at"] = old[0]["created_at"]
            base["author"] = old[0]["author"]
        with self.transaction():
            for r in old:
                if r["id"] != pair.id:
                    self.conn.execute("DELETE FROM pair WHERE id = ?", (r["id"],))
            self._put(
                "pair",
                {
                    **base,
                    "title": pair.title,
                    "mentor_name": pair.mentor.name,
                    "mentor_role": pair.mentor.role,
                    "mentor_network": pair.mentor.network,
                    "mentee_name": pair.mentee.name,
                    "mentee_role": pair.mentee.role,
                    "mentee_network": pair.mentee.network,
                    "started_on": pair.started_on.isoformat(),
                    "cadence_days": pair.cadence_days,
                    "planned_sessions": pair.planned_sessions,
                    "review_on": pair.review_on.isoformat(),
                    "agreement": pair.agreement,
                },
            )

    def update_pair(self, **changes: Any) -> Pair:
        """Change some of the pair's details (any field of `model.Pair` except `id`)."""
        pair = self.pair()
        if pair is None:
            raise NotFound("This journal has no pair yet.")
        for key in changes:
            if key == "id" or key not in Pair._fields:
                raise JournalError(f"The pair has no field {key!r} that can be changed.")
        pair = pair._replace(**changes)
        self.set_pair(pair)
        return pair

    def is_empty(self) -> bool:
        """Whether the journal holds no sessions, actions or entries yet (a new journal)."""
        for table in ("sessions", "actions", "entries"):
            if self.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():  # noqa: S608
                return False
        return True

    # ------------------------------------------------------------------ goals

    def _goal(self, r: Row) -> Goal:
        p, hidden = self._open("goals", r)
        return Goal(
            p["id"],
            p["owner"],
            p["text"],
            p["visibility"],
            p["created_at"],
            p["updated_at"],
            hidden,
        )

    def goals(self, owner: Role | None = None) -> list[Goal]:
        """Each side's goals, in the order they were written."""
        if owner is None:
            return [self._goal(r) for r in self._select("goals")]
        return [self._goal(r) for r in self._select("goals", "owner = ?", (owner,))]

    def add_goal(self, owner: Role, text: str, *, visibility: Visibility = "pair") -> Goal:
        """Write down what one side wants from the pairing."""
        _check(owner, ROLES, "A goal's owner")
        _check(visibility, VISIBILITIES, "Visibility")
        row = {**self._base(), "owner": owner, "text": text, "visibility": visibility}
        self._check_private_author("goals", row)
        self._put("goals", row)
        return self.goal(row["id"])

    def goal(self, goal_id: str) -> Goal:
        """One goal by id."""
        return self._goal(self._live("goals", goal_id, "goal"))

    def edit_goal(
        self, goal_id: str, *, text: str | None = None, owner: Role | None = None
    ) -> Goal:
        """Rewrite a goal or give it to the other side."""
        fields: Row = {}
        if text is not None:
            fields["text"] = text
        if owner is not None:
            _check(owner, ROLES, "A goal's owner")
            fields["owner"] = owner
        self._update("goals", goal_id, "goal", **fields)
        return self.goal(goal_id)

    def _live(self, table: str, item_id: str, what: str) -> Row:
        row = self._raw(table, item_id)
        if row is None or row.get("deleted_at"):
            raise NotFound(f"No {what} with id {item_id} in this journal.")
        return row

    # ------------------------------------------------------------------ sessions

    @staticmethod
    def _session(r: Row) -> Session:
        return Session(
            id=r["id"],
            number=int(r["number"]),
            date=date.fromisoformat(r["date"]),
            status=r["status"],
            created_at=r["created_at"],
            updated_at=r["updated_at"],
            duration_minutes=r["duration_minutes"],
            place=r["place"],
        )

    def sessions(
        self, status: SessionStatus | None = None, *, order: str = "number"
    ) -> list[Session]:
        """Every session (or those with `status`), by number (`order="stored"`: as written)."""
        sql_order = "rowid" if order == "stored" else "number, rowid"
        if status is None:
            rows = self._select("sessions", order=sql_order)
        else:
            rows = self._select("sessions", "status = ?", (status,), order=sql_order)
        return [self._session(r) for r in rows]

    def session(self, session_id: str) -> Session:
        """One session by id."""
        return self._session(self._live("sessions", session_id, "session"))

    def next_session(self) -> Session | None:
        """The planned session that comes next (the earliest planned one), if any."""
        rows = self._select("sessions", "status = 'planned'", order="date, number")
        return self._session(rows[0]) if rows else None

    def last_held_session(self, before_number: int | None = None) -> Session | None:
        """The latest held session (before session number `before_number` if given)."""
        where, params = "status = 'held'", []
        if before_number is not None:
            where += " AND number < ?"
            params.append(before_number)
        rows = self._select("sessions", where, params, order="number DESC")
        return self._session(rows[0]) if rows else None

    def add_session(
        self,
        on: date,
        *,
        status: SessionStatus = "planned",
        place: str | None = None,
        duration_minutes: int | None = None,
    ) -> Session:
        """Add a session on a date without pre-filling its agenda (see `plan_next_session`)."""
        _check(status, SESSION_STATUSES, "A session's status")
        number = (
            int(
                self.conn.execute(
                    "SELECT coalesce(max(number), 0) FROM sessions WHERE deleted_at IS NULL"
                ).fetchone()[0]
            )
            + 1
        )
        row = {
            **self._base(),
            "number": number,
            "date": on.isoformat(),
            "status": status,
            "duration_minutes": duration_minutes,
            "place": place,
        }
        self._put("sessions", row)
        return self._session(row)

    def plan_next_session(self, on: date | None = None, *, place: str | None = None) -> Session:
        """The next session with its agenda pre-filled: unfinished items and open actions.

        The agenda gets every item left open or carried over in the latest held session (linked by
        `carried_from`) and every open action due by the session after this one or undated (linked
        by `action_id`). Follow-through is the point of the tool: nothing unfinished is forgotten.
        Idempotent: an existing planned session is reused and nothing is added twice.
        """
        with self.transaction():
            session = self.next_session()
            if session is None:
                if on is None:
                    pair = self.pair()
                    cadence = pair.cadence_days if pair else 28
                    last = self.sessions()
                    if last:
                        on = max(self.today(), _plus_days(last[-1].date, cadence))
                    else:
                        on = max(self.today(), pair.started_on) if pair else self.today()
                session = self.add_session(on, place=place)
            self.carry_forward(session.id)
        return self.session(session.id)

    def carry_forward(self, session_id: str) -> list[AgendaItem]:
        """Add to a session's agenda what is unfinished and not yet on it; return what was added."""
        target = self.session(session_id)
        existing = self._select("agenda_items", "session_id = ?", (session_id,))
        carried = {r["carried_from"] for r in existing if r["carried_from"]}
        followed = {r["action_id"] for r in existing if r["action_id"]}
        added: list[AgendaItem] = []
        with self.transaction():
            held = self.last_held_session(before_number=target.number)
            if held is not None:
                for r in self._select(
                    "agenda_items", "session_id = ?", (held.id,), order="position, rowid"
                ):
                    if (
                        r["outcome"] not in ("open", "carried_over")
                        or r["id"] in carried
                        or self._is_hidden(r)
                    ):
                        continue
                    p, _ = self._open("agenda_items", r)
                    item = self.add_agenda_item(
                        session_id,
                        p["topic"],
                        raised_by=p["raised_by"],
                        minutes=p["minutes"],
                        prompt=p["prompt"],
                        visibility=p["visibility"],
                        carried_from=p["id"],
                        action_id=p["action_id"],
                    )
                    added.append(item)
                    if p["action_id"]:
                        followed.add(p["action_id"])
            pair = self.pair()
            horizon = _plus_days(target.date, pair.cadence_days if pair else 28)
            for action in self.actions(status=OPEN_STATUSES):
                if action.id in followed or action.hidden:
                    continue
                if action.due_on is not None and action.due_on > horizon:
                    continue
                private = action.visibility == "private"
                raised: Role = self.me if private or action.owner == "both" else action.owner
                added.append(
                    self.add_agenda_item(
                        session_id,
                        f"Follow-up: {action.title}",
                        raised_by=raised,
                        visibility="private" if private else "pair",
                        action_id=action.id,
                    )
                )
        return added

    def update_session(
        self,
        session_id: str,
        *,
        on: date | None = None,
        place: str | None = UNSET,
        duration_minutes: int | None = UNSET,
        status: SessionStatus | None = None,
    ) -> Session:
        """Move a session, change its place or length, or set its status."""
        fields: Row = {}
        if on is not None:
            fields["date"] = on.isoformat()
        if place is not UNSET:
            fields["place"] = place
        if duration_minutes is not UNSET:
            fields["duration_minutes"] = duration_minutes
        if status is not None:
            _check(status, SESSION_STATUSES, "A session's status")
            fields["status"] = status
        self._update("sessions", session_id, "session", **fields)
        return self.session(session_id)

    def mark_held(
        self, session_id: str, *, duration_minutes: int | None = None, on: date | None = None
    ) -> Session:
        """Record that the session took place (optionally its real date and length)."""
        fields: Any = {"status": "held"}
        if duration_minutes is not None:
            fields["duration_minutes"] = duration_minutes
        if on is not None:
            fields["on"] = on
        return self.update_session(session_id, **fields)

    def mark_cancelled(self, session_id: str) -> Session:
        """Record that the session did not take place (it still counts against the cadence)."""
        return self.update_session(session_id, status="cancelled")

    # ------------------------------------------------------------------ agenda

    def _agenda_item(self, r: Row) -> AgendaItem:
        p, hidden = self._open("agenda_items", r)
        return AgendaItem(
            id=p["id"],
            session_id=p["session_id"],
            position=int(p["position"]),
            topic=p["topic"],
            raised_by=p["raised_by"],
            notes=p["notes"],
            outcome=p["outcome"],
            visibility=p["visibility"],
            created_at=p["created_at"],
            updated_at=p["updated_at"],
            minutes=p["minutes"],
            carried_from=p["carried_from"],
            action_id=p["action_id"],
            prompt=p["prompt"],
            hidden=hidden,
        )

    def agenda(self, session_id: str) -> list[AgendaItem]:
        """A session's agenda in order."""
        rows = self._select(
            "agenda_items", "session_id = ?", (session_id,), order="position, rowid"
        )
        return [self._agenda_item(r) for r in rows]

    def all_agenda_items(self) -> list[AgendaItem]:
        """Every agenda item of every session, each session's in order (for export and review)."""
        rows = self._select("agenda_items", order="session_id, position, rowid")
        return [self._agenda_item(r) for r in rows]

    def agenda_item(self, item_id: str) -> AgendaItem:
        """One agenda item by id."""
        return self._agenda_item(self._live("agenda_items", item_id, "agenda item"))

    def add_agenda_item(
        self,
        session_id: str,
        topic: str,
        *,
        raised_by: Role | None = None,
        minutes: int | None = None,
        prompt: str | None = None,
        visibility: Visibility = "pair",
        notes: str = "",
        carried_from: str | None = None,
        action_id: str | None = None,
    ) -> AgendaItem:
        """Put a topic on a session's agenda (at the end), saying who raised it and for how long."""
        self.session(session_id)
        raised: Role = raised_by or self.me
        _check(raised, ROLES, "Raised by")
        _check(visibility, VISIBILITIES, "Visibility")
        position = (
            int(
                self.conn.execute(
                    "SELECT coalesce(max(position), -1) FROM agenda_items"
                    " WHERE session_id = ? AND deleted_at IS NULL",
                    (session_id,),
                ).fetchone()[0]
            )
            + 1
        )
        row = {
            **self._base(),
            "session_id": session_id,
            "position": position,
            "topic": topic,
            "raised_by": raised,
            "minutes": minutes,
            "notes": notes,
            "outcome": "open",
            "carried_from": carried_from,
            "action_id": action_id,
            "prompt": prompt,
            "visibility": visibility,
        }
        self._check_private_author("agenda_items", row)
        self._put("agenda_items", row)
        return self.agenda_item(row["id"])

    def edit_agenda_item(
        self,
        item_id: str,
        *,
        topic: str | None = None,
        raised_by: Role | None = None,
        minutes: int | None = UNSET,
        prompt: str | None = UNSET,
        notes: str | None = None,
        outcome: Outcome | None = None,
    ) -> AgendaItem:
        """Change an agenda item's topic, who raised it, its time box, prompt, notes or outcome."""
        fields: Row = {}
        if topic is not None:
            fields["topic"] = topic
        if raised_by is not None:
            _check(raised_by, ROLES, "Raised by")
            fields["raised_by"] = raised_by
        if minutes is not UNSET:
            if minutes is not None and minutes < 0:
                raise JournalError("A time box cannot be negative.")
            fields["minutes"] = minutes
        if prompt is not UNSET:
            fields["prompt"] = prompt
        if notes is not None:
            fields["notes"] = notes
        if outcome is not None:
            _check(outcome, OUTCOMES, "An outcome")
            fields["outcome"] = outcome
        self._update("agenda_items", item_id, "agenda item", **fields)
        return self.agenda_item(item_id)

    def time_box(self, item_id: str, minutes: int | None) -> AgendaItem:
        """Give an agenda item a number of minutes (None removes the time box)."""
        return self.edit_agenda_item(item_id, minutes=minutes)

    def attach_prompt(self, item_id: str, prompt: str | None) -> AgendaItem:
        """Attach a reflection prompt's text to an agenda item (None removes it)."""
        return self.edit_agenda_item(item_id, prompt=prompt)

    def record_notes(self, item_id: str, notes: str) -> AgendaItem:
        """Write the notes taken on an agenda item during the session."""
        return self.edit_agenda_item(item_id, notes=notes)

    def record_outcome(
        self, item_id: str, outcome: Outcome, notes: str | None = None
    ) -> AgendaItem:
        """Record how an agenda item ended (discussed, carried over, dropped), maybe with notes."""
        return self.edit_agenda_item(item_id, outcome=outcome, notes=notes)

    def move_agenda_item(self, item_id: str, position: int) -> list[AgendaItem]:
        """Move an item to `position` (0 = first) in its session's agenda; return the new order."""
        item = self.agenda_item(item_id)
        order = [i.id for i in self.agenda(item.session_id) if i.id != item_id]
        position = max(0, min(position, len(order)))
        order.insert(position, item_id)
        return self.reorder_agenda(item.session_id, order)

    def reorder_agenda(self, session_id: str, item_ids: Sequence[str]) -> list[AgendaItem]:
        """Put a session's agenda in the given order (items not named keep their order, after)."""
        current = [
            r["id"]
            for r in self._select(
                "agenda_items", "session_id = ?", (session_id,), order="position, rowid"
            )
        ]
        wanted = [i for i in item_ids if i in current]
        wanted += [i for i in current if i not in wanted]
        now = self._stamp()
        with self.transaction():
            for pos, item_id in enumerate(wanted):
                cur = self.conn.execute(
                    "UPDATE agenda_items SET position = ?, updated_at = ?"
                    " WHERE id = ? AND position != ?",
                    (pos, now, item_id, pos),
                )
                if cur.rowcount:
                    self.changes += 1
        return self.agenda(session_id)

    # ------------------------------------------------------------------ entries

    def _entry(self, r: Row) -> Entry:
        p, hidden = self._open("entries", r)
        return Entry(
            id=p["id"],
            session_id=p["session_id"],
            kind=p["kind"],
            author=p["author"],
            text=p["text"],
            visibility=p["visibility"],
            created_at=p["created_at"],
            updated_at=p["updated_at"],
            prompt=p["prompt"],
            tags=tuple(json.loads(p["tags"] or "[]")),
            hidden=hidden,
        )

    def entries(
        self,
        session_id: str | None = None,
        *,
        kind: EntryKind | None = None,
        author: Role | None = None,
    ) -> list[Entry]:
        """Notes, reflections and learnings (of one session, kind or author), oldest first."""
        where, params = ["1"], []
        for col, val in (("session_id", session_id), ("kind", kind), ("author", author)):
            if val is not None:
                where.append(f"{col} = ?")
                params.append(val)
        return [self._entry(r) for r in self._select("entries", " AND ".join(where), params)]

    def learnings(self) -> list[Entry]:
        """Every learning, oldest first (the review shows them over time)."""
        return self.entries(kind="learning")

    def entry(self, entry_id: str) -> Entry:
        """One entry by id."""
        return self._entry(self._live("entries", entry_id, "entry"))

    def add_entry(
        self,
        session_id: str,
        text: str,
        *,
        kind: EntryKind = "note",
        prompt: str | None = None,
        visibility: Visibility = "pair",
        tags: Iterable[str] = (),
    ) -> Entry:
        """Write a note, reflection or learning in a session, maybe answering a prompt."""
        self.session(session_id)
        _check(kind, ENTRY_KINDS, "An entry's kind")
        _check(visibility, VISIBILITIES, "Visibility")
        row = {
            **self._base(),
            "session_id": session_id,
            "kind": kind,
            "prompt": prompt,
            "text": text,
            "visibility": visibility,
            "tags": json.dumps(list(tags), ensure_ascii=False),
        }
        self._put("entries", row)
        return self.entry(row["id"])

    def reflect(
        self,
        session_id: str,
        prompt: Prompt | str,
        text: str,
        *,
        visibility: Visibility = "private",
    ) -> Entry:
        """Answer a reflection prompt (a private reflection unless said otherwise)."""
        wording = prompt.text if isinstance(prompt, Prompt) else prompt
        return self.add_entry(
            session_id, text, kind="reflection", prompt=wording, visibility=visibility
        )

    def edit_entry(
        self,
        entry_id: str,
        *,
        text: str | None = None,
        kind: EntryKind | None = None,
        prompt: str | None = UNSET,
        tags: Iterable[str] | None = None,
    ) -> Entry:
        """Rewrite an entry, change its kind, prompt or tags."""
        fields: Row = {}
        if text is not None:
            fields["text"] = text
        if kind is not None:
            _check(kind, ENTRY_KINDS, "An entry's kind")
            fields["kind"] = kind
        if prompt is not UNSET:
            fields["prompt"] = prompt
        if tags is not None:
            fields["tags"] = json.dumps(list(tags), ensure_ascii=False)
        self._update("entries", entry_id, "entry", **fields)
        return self.entry(entry_id)

    # ------------------------------------------------------------------ actions

    def _follow_up(self, r: Row) -> FollowUp:
        p, hidden = self._open("follow_ups", r)
        return FollowUp(
            id=p["id"],
            action_id=p["action_id"],
            on=date.fromisoformat(p["on_date"]),
            author=p["author"],
            status=p["status"],
            note=p["note"],
            session=p["session_id"],
            hidden=hidden,
        )

    def _action(self, r: Row, follow_ups: list[FollowUp] | None = None) -> Action:
        p, hidden = self._open("actions", r)
        if follow_ups is None:
            follow_ups = [
                self._follow_up(f)
                for f in self._select(
                    "follow_ups", "action_id = ?", (p["id"],), order="on_date, rowid"
                )
            ]
        return Action(
            id=p["id"],
            title=p["title"],
            detail=p["detail"],
            kind=p["kind"],
            owner=p["owner"],
            status=p["status"],
            visibility=p["visibility"],
            created_at=p["created_at"],
            updated_at=p["updated_at"],
            agreed_in=p["agreed_in"],
            due_on=_d(p["due_on"]),
            closed_on=_d(p["closed_on"]),
            tags=tuple(json.loads(p["tags"] or "[]")),
            follow_ups=tuple(follow_ups),
            author=p["author"],
            hidden=hidden,
        )

    def action(self, action_id: str) -> Action:
        """One action or commitment, with its follow-up log."""
        return self._action(self._live("actions", action_id, "action"))

    def actions(
        self,
        *,
        status: ActionStatus | Iterable[ActionStatus] | None = None,
        owner: Owner | None = None,
        kind: ActionKind | None = None,
        order: str = "due",
    ) -> list[Action]:
        """The follow-up tracker: actions filtered by status(es), owner and kind.

        `order="due"` sorts by due date (undated last), `order="agreed"` keeps the order they
        were agreed in. `owner="mentor"` also lists actions owned by both.
        """
        where: list[str] = ["1"]
        params: list[str] = []
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            for s in statuses:
                _check(s, ACTION_STATUSES, "An action's status")
            where.append(f"status IN ({', '.join('?' * len(statuses))})")
            params += statuses
        if owner is not None:
            _check(owner, OWNERS, "An owner")
            if owner == "both":
                where.append("owner = 'both'")
            else:
                where.append("owner IN (?, 'both')")
                params.append(owner)
        if kind is not None:
            _check(kind, ACTION_KINDS, "An action's kind")
            where.append("kind = ?")
            params.append(kind)
        sql_order = "due_on IS NULL, due_on, rowid" if order == "due" else "rowid"
        rows = self._select("actions", " AND ".join(where), params, order=sql_order)
        logs: dict[str, list[FollowUp]] = {r["id"]: [] for r in rows}
        if rows:
            for f in self._select("follow_ups"):
                if f["action_id"] in logs:
                    logs[f["action_id"]].append(self._follow_up(f))
        return [self._action(r, logs[r["id"]]) for r in rows]

    def commitments(self) -> list[Action]:
        """The mentee's personal commitments."""
        return self.actions(kind="commitment")

    def overdue(self, today: date | None = None) -> list[Action]:
        """Open and in-progress actions whose due date has passed, most overdue first."""
        day = today or self.today()
        return [a for a in self.actions(status=OPEN_STATUSES) if a.is_overdue(day)]

    def due_soon(self, days: int = 7, today: date | None = None) -> list[Action]:
        """Open actions due from today to `days` days ahead, soonest first."""
        day = today or self.today()
        last = day + timedelta(days=days)
        return [
            a
            for a in self.actions(status=OPEN_STATUSES)
            if a.due_on is not None and day <= a.due_on <= last
        ]

    def agree_action(
        self,
        title: str,
        *,
        detail: str = "",
        owner: Owner = "both",
        kind: ActionKind = "action",
        due_on: date | None = None,
        agreed_in: str | None = None,
        visibility: Visibility = "pair",
        tags: Iterable[str] = (),
    ) -> Action:
        """Agree an action (or a commitment) with an owner and maybe a due date and session."""
        _check(owner, OWNERS, "An owner")
        _check(kind, ACTION_KINDS, "An action's kind")
        _check(visibility, VISIBILITIES, "Visibility")
        if agreed_in is not None:
            self.session(agreed_in)
        row = {
            **self._base(),
            "title": title,
            "detail": detail,
            "kind": kind,
            "owner": owner,
            "agreed_in": agreed_in,
            "due_on": _iso(due_on),
            "status": "open",
            "closed_on": None,
            "visibility": visibility,
            "tags": json.dumps(list(tags), ensure_ascii=False),
        }
        self._check_private_author("actions", row)
        self._put("actions", row)
        return self.action(row["id"])

    def commit_to(self, title: str, **options: Any) -> Action:
        """The mentee commits to something personally (an action of kind "commitment")."""
        options.setdefault("owner", "mentee")
        return self.agree_action(title, kind="commitment", **options)

    def edit_action(
        self,
        action_id: str,
        *,
        title: str | None = None,
        detail: str | None = None,
        owner: Owner | None = None,
        kind: ActionKind | None = None,
        agreed_in: str | None = UNSET,
        tags: Iterable[str] | None = None,
    ) -> Action:
        """Change what an action says, who owns it, its kind, session or tags."""
        fields: Row = {}
        if title is not None:
            fields["title"] = title
        if detail is not None:
            fields["detail"] = detail
        if owner is not None:
            _check(owner, OWNERS, "An owner")
            fields["owner"] = owner
        if kind is not None:
            _check(kind, ACTION_KINDS, "An action's kind")
            fields["kind"] = kind
        if agreed_in is not UNSET:
            fields["agreed_in"] = agreed_in
        if tags is not None:
            fields["tags"] = json.dumps(list(tags), ensure_ascii=False)
        self._update("actions", action_id, "action", **fields)
        return self.action(action_id)

    def set_due(self, action_id: str, due_on: date | None) -> Action:
        """Set or clear an action's due date."""
        self._update("actions", action_id, "action", due_on=_iso(due_on))
        return self.action(action_id)

    def follow_up(
        self,
        action_id: str,
        note: str = "",
        *,
        status: ActionStatus | None = None,
        on: date | None = None,
        session_id: str | None = None,
    ) -> FollowUp:
        """Log a dated follow-up on an action, maybe changing its status (logged with the note).

        Closing (done / dropped) sets `closed_on`; reopening clears it.
        """
        plain = self._get("actions", action_id, "action")
        new_status: ActionStatus = status or plain["status"]
        _check(new_status, ACTION_STATUSES, "An action's status")
        day = on or self.today()
        if session_id is not None:
            self.session(session_id)
        private = plain["visibility"] == "private"
        with self.transaction():
            row = {
                **self._base(),
                "action_id": action_id,
                "on_date": day.isoformat(),
                "session_id": session_id,
                "status": new_status,
                "note": note,
                "visibility": "private" if private else "pair",
            }
            self._put("follow_ups", row)
            self._update(
                "actions",
                action_id,
                "action",
                status=new_status,
                closed_on=day.isoformat() if new_status in _CLOSED else None,
            )
        return self._follow_up(self._live("follow_ups", row["id"], "follow-up"))

    def set_status(
        self, action_id: str, status: ActionStatus, note: str = "", *, on: date | None = None
    ) -> Action:
        """Change an action's status in one step (logged as a follow-up)."""
        self.follow_up(action_id, note, status=status, on=on)
        return self.action(action_id)

    def start_action(self, action_id: str, note: str = "", *, on: date | None = None) -> Action:
        """Mark an action as in progress."""
        return self.set_status(action_id, "in_progress", note, on=on)

    def close_action(self, action_id: str, note: str = "", *, on: date | None = None) -> Action:
        """Mark an action done."""
        return self.set_status(action_id, "done", note, on=on)

    def drop_action(self, action_id: str, note: str = "", *, on: date | None = None) -> Action:
        """Consciously drop an action (it stops being carried into agendas)."""
        return self.set_status(action_id, "dropped", note, on=on)

    def reopen_action(self, action_id: str, note: str = "", *, on: date | None = None) -> Action:
        """Reopen a closed action."""
        return self.set_status(action_id, "open", note, on=on)

    # ------------------------------------------------------------------ visibility, deletion

    def _locate(self, item_id: str) -> str:
        for table in (
            "entries",
            "agenda_items",
            "actions",
            "goals",
            "sessions",
            "follow_ups",
            "prompts",
        ):
            if self.conn.execute(
                f"SELECT 1 FROM {table} WHERE id = ? AND deleted_at IS NULL",  # noqa: S608
                (item_id,),
            ).fetchone():
                return table
        raise NotFound(f"No item with id {item_id} in this journal.")

    def set_visibility(self, item_id: str, visibility: Visibility) -> None:
        """Make an item private, pair or shareable (its text is sealed or opened accordingly).

        Only an item's author can make it private: the text is then sealed with their own key.
        """
        _check(visibility, VISIBILITIES, "Visibility")
        table = self._locate(item_id)
        if table not in ("entries", "agenda_items", "actions", "goals"):
            raise JournalError("Only goals, agenda items, entries and actions have a visibility.")
        plain = self._get(table, item_id, "item")
        if plain["visibility"] == visibility:
            return
        if visibility == "private" and plain["author"] != self.me:
            raise JournalError("Only the person who wrote an item can make it private.")
        with self.transaction():
            if table == "actions":
                logs = self._select("follow_ups", "action_id = ?", (item_id,))
                if visibility == "private" and any(f["author"] != self.me for f in logs):
                    raise JournalError(
                        "Your partner has logged follow-ups on this action, "
                        "so it cannot be made private."
                    )
                for f in logs:
                    self._update(
                        "follow_ups",
                        f["id"],
                        "follow-up",
                        visibility="private" if visibility == "private" else "pair",
                    )
            self._update(table, item_id, "item", visibility=visibility)
            if visibility == "private":
                # The shared index forgets a row by adding a delete marker; its old words stay
                # in earlier index segments until they merge. Merge now, so words the partner
                # must no longer read leave the saved database (freed pages are zeroed).
                self.conn.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def delete(self, item_id: str) -> None:
        """Delete an item (a tombstone, so copies can merge); a session takes its contents."""
        table = self._locate(item_id)
        self._get(table, item_id, "item")
        now = self._stamp()
        with self.transaction():
            children: list[tuple[str, str]] = []
            if table == "sessions":
                children = [
                    ("agenda_items", r["id"])
                    for r in self._select("agenda_items", "session_id = ?", (item_id,))
                ]
                children += [
                    ("entries", r["id"])
                    for r in self._select("entries", "session_id = ?", (item_id,))
                ]
            elif table == "actions":
                children = [
                    ("follow_ups", r["id"])
                    for r in self._select("follow_ups", "action_id = ?", (item_id,))
                ]
            for t, i in [*children, (table, item_id)]:
                self.conn.execute(
                    f"UPDATE {t} SET deleted_at = ?, updated_at = ? WHERE id = ?",  # noqa: S608
                    (now, now, i),
                )
                if self._private_index:
                    self._reindex_private(t, {"id": i, "deleted_at": now})
                self.changes += 1

    # ------------------------------------------------------------------ prompts

    def prompts(self, phase: Phase | None = None, for_: PromptFor | None = None) -> list[Prompt]:
        """Built-in and custom reflection prompts for a phase and a person (both included)."""
        found = [p for p in builtin_prompts() if matches(p, phase=phase, for_=for_)]
        return found + [p for p in self.custom_prompts() if matches(p, phase=phase, for_=for_)]

    def custom_prompts(self) -> list[Prompt]:
        """The pair's own prompts (exported with the journal; built-in ones are not)."""
        return [
            Prompt(r["id"], r["phase"], r["for_"], r["text"], r["pack"])
            for r in self._select("prompts")
        ]

    def add_prompt(
        self, text: str, *, phase: Phase, for_: PromptFor = "both", pack: str = "custom"
    ) -> Prompt:
        """Add a reflection prompt of the pair's own."""
        _check(phase, PHASES, "A prompt's phase")
        _check(for_, PROMPT_FOR, "A prompt's audience")
        if not text.strip():
            raise JournalError("A prompt needs some words.")
        row = {**self._base(), "phase": phase, "for_": for_, "text": text, "pack": pack}
        self._put("prompts", row)
        return Prompt(row["id"], phase, for_, text, pack)

    # ------------------------------------------------------------------ search

    def _index_doc(
        self, table: str, p: Row
    ) -> tuple[str, str, str, str | None, str | None, str | None]:
        tags = " ".join(json.loads(p.get("tags") or "[]")) if "tags" in p else ""
        if table == "entries":
            return (
                "entry",
                p["prompt"] or "",
                f"{p['text']} {tags}",
                p["created_at"][:10],
                p["session_id"],
                None,
            )
        if table == "agenda_items":
            return (
                "agenda",
                p["topic"],
                f"{p['notes']} {p['prompt'] or ''}",
                p["created_at"][:10],
                p["session_id"],
                p["action_id"],
            )
        if table == "actions":
            return (
                "action",
                p["title"],
                f"{p['detail']} {tags}",
                p["created_at"][:10],
                p["agreed_in"],
                p["id"],
            )
        if table == "follow_ups":
            return "follow_up", "", p["note"], p["on_date"], p["session_id"], p["action_id"]
        return "goal", "", p["text"], p["created_at"][:10], None, None

    def _reindex_private(self, table: str, plain: Row) -> None:
        rowid = self._private_rows.pop(plain["id"], None)
        if rowid is not None:
            self.conn.execute("DELETE FROM temp.private_fts WHERE rowid = ?", (rowid,))
        if (
            plain.get("visibility") == "private"
            and plain.get("author") == self.me
            and not plain.get("deleted_at")
        ):
            kind, title, body, when, session_id, action_id = self._index_doc(table, plain)
            cur = self.conn.execute(
                "INSERT INTO temp.private_fts (title, body, kind, item_id, when_on, session_id,"
                " action_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (title, body, kind, plain["id"], when, session_id, action_id),
            )
            self._private_rows[plain["id"]] = int(cur.lastrowid or 0)

    def _ensure_private_index(self) -> None:
        """Build the reader's own private search index, in a TEMP table that is never saved."""
        if self._private_index:
            return
        self.conn.execute("DROP TABLE IF EXISTS temp.private_fts")
        self.conn.execute(
            "CREATE VIRTUAL TABLE temp.private_fts USING fts5(title, body, kind UNINDEXED,"
            " item_id UNINDEXED, when_on UNINDEXED, session_id UNINDEXED, action_id UNINDEXED,"
            " tokenize='unicode61 remove_diacritics 2')"
        )
        self._private_index = True
        self._private_rows = {}
        with self.transaction():  # one transaction: a commit per row would be ten times slower
            for table in store.INDEXED_TABLES:
                for r in self._select(table, "visibility = 'private' AND author = ?", (self.me,)):
                    plain, _ = self._open(table, r)
                    self._reindex_private(table, plain)

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Everything this reader may read that matches `query`, best match first (bm25).

        Every word must match (`word*` matches a prefix); FTS syntax in the query is treated as
        plain words, so no query can fail. Snippets are plain text.
        """
        match = fts_query(query)
        if not match:
            return []
        self._ensure_private_index()
        found: list[tuple[float, tuple[Any, ...]]] = []
        try:
            shared = self.conn.execute(
                "SELECT d.kind, d.item_id, snippet(search_fts, -1, '', '', '…', 12), d.when_on,"
                " d.session_id, d.action_id, bm25(search_fts),"
                " snippet(search_fts, 1, '', '', '…', 12)"
                " FROM search_fts JOIN search_items d ON d.rowid = search_fts.rowid"
                " WHERE search_fts MATCH ? ORDER BY bm25(search_fts) LIMIT ?",
                (match, limit),
            ).fetchall()
            private = self.conn.execute(
                "SELECT kind, item_id, snippet(private_fts, -1, '', '', '…', 12), when_on,"
                " session_id, action_id, bm25(private_fts),"
                " snippet(private_fts, 1, '', '', '…', 12) FROM temp.private_fts"
                " WHERE private_fts MATCH ? ORDER BY bm25(private_fts) LIMIT ?",
                (match, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        found = [(float(r[6]), r) for r in [*shared, *private]]
        found.sort(key=lambda x: x[0])
        found = found[:limit]
        # Two queries for every hit's session date and entry title, not two per hit.
        session_dates = {
            sid: date.fromisoformat(day)
            for sid, day in self._by_ids(
                "SELECT id, date FROM sessions WHERE 1", {r[4] for _, r in found if r[4]}
            )
        }
        entry_titles = {
            eid: f"{kind.capitalize()} by the {author}"
            for eid, kind, author in self._by_ids(
                "SELECT id, kind, author FROM entries WHERE deleted_at IS NULL",
                {r[1] for _, r in found if r[0] == "entry"},
            )
        }
        hits: list[SearchHit] = []
        for _, (kind, item_id, snippet, when_on, session_id, action_id, _rank, body) in found:
            when = _d(when_on)
            if session_id and kind in ("entry", "agenda"):
                when = session_dates.get(session_id, when)
            title = entry_titles.get(item_id) if kind == "entry" else None
            title = title or self._hit_title(kind, item_id)
            hits.append(
                SearchHit(
                    kind=kind,
                    id=item_id,
                    title=title,
                    # A match in the title shows the start of the body instead of the title again.
                    snippet=_beside(title, snippet) or _beside(title, body),
                    when=when,
                    session_id=session_id,
                    action_id=action_id,
                )
            )
        return hits

    def recent(self, limit: int = 10) -> list[SearchHit]:
        """The `limit` newest items this reader may read (by when they were written), newest
        first: entries, agenda items, actions, follow-ups and goals, as search hits whose snippet
        is the start of the item's text. The partner's private items are left out."""
        newest: list[tuple[str, int, str, Row]] = []
        for table in store.INDEXED_TABLES:
            cur = self.conn.execute(
                f"SELECT *, rowid AS _rowid FROM {table} WHERE deleted_at IS NULL"  # noqa: S608
                " AND (visibility != 'private' OR author = ?)"
                " ORDER BY created_at DESC, rowid DESC LIMIT ?",
                (self.me, limit),
            )
            names = [c[0] for c in cur.description]
            for r in cur.fetchall():
                row = dict(zip(names, r, strict=True))
                newest.append((row["created_at"], row.pop("_rowid"), table, row))
        newest.sort(key=lambda x: (x[0], x[1]), reverse=True)
        hits: list[SearchHit] = []
        session_dates: dict[str, date] = {}
        for _, _, table, row in newest[:limit]:
            plain, _hidden = self._open(table, row)
            kind, _title, _body, when_on, session_id, action_id = self._index_doc(table, plain)
            when = _d(when_on)
            if session_id and kind in ("entry", "agenda"):
                if session_id not in session_dates:
                    srow = self._raw("sessions", session_id)
                    if srow:
                        session_dates[session_id] = date.fromisoformat(srow["date"])
                when = session_dates.get(session_id, when)
            title = self._hit_title(kind, plain["id"])
            hits.append(
                SearchHit(
                    kind=kind,
                    id=plain["id"],
                    title=title,
                    snippet=_beside(title, plain.get(_MAIN_TEXT[table]) or ""),
                    when=when,
                    session_id=session_id,
                    action_id=action_id,
                )
            )
        return hits

    def _by_ids(self, select: str, ids: set[str]) -> list[tuple[Any, ...]]:
        """Rows of `select` (a fixed `SELECT ... FROM table WHERE ...`) for the ids given."""
        if not ids:
            return []
        return self.conn.execute(
            f"{select} AND id IN (SELECT value FROM json_each(?))",  # noqa: S608 - fixed SQL
            (json.dumps(sorted(ids)),),
        ).fetchall()

    def _hit_title(self, kind: str, item_id: str) -> str:
        try:
            if kind == "entry":
                e = self.entry(item_id)
                return f"{e.kind.capitalize()} by the {e.author}"
            if kind == "agenda":
                return f"Agenda: {self.agenda_item(item_id).topic}"
            if kind == "action":
                a = self.action(item_id)
                return f"{a.kind.capitalize()}: {a.title}"
            if kind == "follow_up":
                row = self._live("follow_ups", item_id, "follow-up")
                a = self.action(row["action_id"])
                return f"Follow-up: {a.title}" if not a.hidden else "Follow-up"
            if kind == "goal":
                return f"Goal of the {self.goal(item_id).owner}"
        except JournalError:
            pass
        return kind

    # ------------------------------------------------------------------ dashboard (cheap reads)

    def session_counts(self) -> dict[str, int]:
        """How many sessions have each status (deleted ones left out), counted in SQL."""
        rows = self.conn.execute(
            "SELECT status, COUNT(*) FROM sessions WHERE deleted_at IS NULL GROUP BY status"
        ).fetchall()
        return {status: int(count) for status, count in rows}

    def latest_learnings(self, limit: int) -> list[Entry]:
        """The last `limit` learnings, oldest first: `learnings()[-limit:]` without reading
        (and decrypting) every other learning."""
        if limit <= 0:
            return []
        cur = self.conn.execute(
            "SELECT * FROM entries WHERE deleted_at IS NULL AND kind = 'learning'"
            " ORDER BY rowid DESC LIMIT ?",
            (limit,),
        )
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        return [self._entry(r) for r in reversed(rows)]

    def session_numbers(self, session_ids: Iterable[str | None]) -> dict[str, int]:
        """Session id → number for the (not deleted) sessions among `session_ids`."""
        ids = sorted({item_id for item_id in session_ids if item_id})
        if not ids:
            return {}
        rows = self.conn.execute(
            "SELECT id, number FROM sessions WHERE deleted_at IS NULL"
            " AND id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        ).fetchall()
        return {item_id: int(number) for item_id, number in rows}


def _plus_days(day: date, days: int) -> date:
    """`day` plus `days`, stopping at the last date Python knows (an imported or typed date may
    be 9999-12-31; planning after it must not crash)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max
