"""Visibility and deletion: who may read an item, and removing it (as a tombstone)."""

from __future__ import annotations

from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.journal.actions import Actions
from rmjournal.core.journal.entries import Entries
from rmjournal.core.journal.pair import PairAndGoals
from rmjournal.core.journal.rows import check
from rmjournal.core.model import VISIBILITIES, ReviewItems, Visibility


class VisibilityAndDeletion(PairAndGoals, Entries, Actions):
    """Make items private, pair or shareable; delete them so that copies can still merge; read
    what a review or a summary may draw on."""

    def shareable_items(self) -> ReviewItems:
        """Every item the review and the shareable summary are made of, each read and opened
        once (`ReviewItems.shareable` picks what the summary shows)."""
        return ReviewItems(
            sessions=tuple(self.sessions()),
            goals=tuple(self.goals()),
            actions=tuple(self.actions(order="agreed")),
            entries=tuple(self.entries()),
            agenda=tuple(self.all_agenda_items()),
        )

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
            if self._records.execute(
                f"SELECT 1 FROM {table} WHERE id = ? AND deleted_at IS NULL",  # noqa: S608
                (item_id,),
            ).fetchone():
                return table
        raise NotFound(f"No item with id {item_id} in this journal.")

    def set_visibility(self, item_id: str, visibility: Visibility) -> None:
        """Make an item private, pair or shareable (its text is sealed or opened accordingly).

        Only an item's author can make it private: the text is then sealed with their own key.
        """
        check(visibility, VISIBILITIES, "Visibility")
        table = self._locate(item_id)
        if table not in ("entries", "agenda_items", "actions", "goals"):
            raise JournalError("Only goals, agenda items, entries and actions have a visibility.")
        plain = self._records.get(table, item_id, "item")
        if plain["visibility"] == visibility:
            return
        if visibility == "private" and plain["author"] != self.me:
            raise JournalError("Only the person who wrote an item can make it private.")
        if visibility == "private" and table == "agenda_items" and plain.get("partner_notes"):
            raise JournalError(
                "Your partner has written notes on this item, so it cannot be made private."
            )
        with self._records.transaction():
            if table == "actions":
                logs = self._records.select("follow_ups", "action_id = ?", (item_id,))
                if visibility == "private" and any(f["author"] != self.me for f in logs):
                    raise JournalError(
                        "Your partner has logged follow-ups on this action, "
                        "so it cannot be made private."
                    )
                for f in logs:
                    self._records.update(
                        "follow_ups",
                        f["id"],
                        "follow-up",
                        visibility="private" if visibility == "private" else "pair",
                    )
            # The shared index forgets the item; its words leave the index's segments before
            # the next save (`Records.to_bytes`, `search_index.forget_for_good`).
            self._records.update(table, item_id, "item", visibility=visibility)

    def delete(self, item_id: str) -> None:
        """Delete an item (a tombstone, so copies can merge); a session takes its contents."""
        table = self._locate(item_id)
        self._records.get(table, item_id, "item")
        now = self._records.stamp()
        with self._records.transaction():
            children: list[tuple[str, str]] = []
            if table == "sessions" and any(
                self._records.is_hidden(r)
                for t in ("agenda_items", "entries")
                for r in self._records.select(t, "session_id = ?", (item_id,))
            ):
                raise JournalError(
                    "This session holds your partner's private entries or topics, and only they "
                    "can delete those, so the session stays. Ask them to delete or move theirs."
                )
            if table == "sessions":
                children = [
                    ("agenda_items", r["id"])
                    for r in self._records.select("agenda_items", "session_id = ?", (item_id,))
                ]
                children += [
                    ("entries", r["id"])
                    for r in self._records.select("entries", "session_id = ?", (item_id,))
                ]
            elif table == "actions":
                children = [
                    ("follow_ups", r["id"])
                    for r in self._records.select("follow_ups", "action_id = ?", (item_id,))
                ]
            for t, i in [*children, (table, item_id)]:
                self._records.tombstone(t, i, now)

    def delete_planned_session(self, session_id: str) -> None:
        """Delete a session that was never held (planned by mistake, or beyond the plan).

        A held session is the record of a meeting and is refused; an unheld one goes with its
        agenda and entries (as tombstones, so the deletion merges into the other copy)."""
        row = self._records.live("sessions", session_id, "session")
        if row["status"] == "held":
            raise JournalError(
                f"Session {row['number']} was held: it is the record of a meeting and stays. "
                "Delete its items instead."
            )
        self.delete(session_id)
