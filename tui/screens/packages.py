"""Packages on screen: what is waiting in the exchange folder's inbox, what was sent.

The folder is the operator's own (`~/apcard-exchange`, from the real uid, as printouts
are): packages that arrive (by whatever way they travel) are put in `inbox/`, what this
register writes goes to `outbox/`.

Keys: Up/Down choose an inbox file; Enter imports it (a package of cards or an
acknowledgement: its acknowledgement is written to the outbox), or compares it with this
register when it is a reconciliation statement; F2 exports the cards due (a body: on its
dispatch days); F3 the import queue; Esc close.
"""

from __future__ import annotations

import datetime as dt
import os
import pwd
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events, work
from textual.containers import Vertical

from models.db import close_database, is_database_error, one_line
from models.exchange import format as fmt
from models.exchange.common import ExchangeError, counts_text
from models.exchange.tables import Package
from models.i18n import T
from models.permissions import PermissionDenied
from tui.screens.doc_window import DocWindow
from tui.session import Session
from tui.widgets.line import TextLine, fit
from tui.widgets.picklist import PickList

FOLDER = "apcard-exchange"
TITLE = T("Пакеттер: кіріс және жіберілгендер", "Пакеты: входящие и отправленные")
HINT = T("Enter: енгізу  F2: жіберу  F3: кезек  Esc: жабу",
         "Enter: ввести  F2: отправить  F3: очередь  Esc: закрыть")
INBOX = T("Кіріс ({p}): {n}", "Входящие ({p}): {n}")
SENT = T("Жіберілген пакеттер", "Отправленные пакеты")
WORKING = T("Орындалуда...", "Выполняется...")
IMPORTED = T("{i}: {c}", "{i}: {c}")
ALREADY = T("{i} бұрын енгізілген", "{i} уже введён")
ACK = T("; квитанция {p}", "; квитанция {p}")
EXPORTED = T("{i}: {n} жазба, {p}", "{i}: записей {n}, {p}")
KINDS = {"cards": T("карточкалар", "карточки"), "ack": T("квитанция", "квитанция"),
         "statement": T("ведомость", "ведомость")}
STATES = {"sent": T("жіберілді", "отправлен"), "acknowledged": T("жауап бар", "есть ответ"),
          "writing": T("жазылуда", "пишется"), "imported": T("енгізілген", "введён")}
SENT_ROWS = 5


def folder(name: str) -> Path:
    path = Path(pwd.getpwuid(os.getuid()).pw_dir) / FOLDER / name
    path.mkdir(mode=0o750, parents=True, exist_ok=True)
    return path


class PackagesScreen(DocWindow):
    def __init__(self, session: Session, card_id: int | None = None) -> None:
        super().__init__(session)
        self.files: list[tuple[Path, dict[str, Any] | None]] = []

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="inbox")
            pick = PickList(id="files")
            pick.styles.height = 9
            yield pick
            yield TextLine(id="sent")
            for i in range(SENT_ROWS):
                yield TextLine(id=f"sent{i}")
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE))
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))
        self.query_one("#sent", TextLine).set_text(self.tr(SENT))
        self.reload()

    def reload(self) -> None:
        inbox = folder("inbox")
        self.files = []
        for path in sorted(p for p in inbox.iterdir() if p.is_file()
                           and p.name.endswith((".jsonl", ".jsonl.gz")))[:200]:
            try:
                self.files.append((path, fmt.read_manifest(path)))
            except ExchangeError:
                self.files.append((path, None))
        try:
            done = {i for (i,) in Package.select(Package.ident).where(
                (Package.direction == "in") & (Package.state == "imported")).tuples()}
            sent = list(Package.select().where(Package.direction == "out")
                        .order_by(Package.id.desc()).limit(SENT_ROWS))
        except Exception as exc:
            if not is_database_error(exc):
                raise
            self.say(one_line(exc))
            return
        pick = self.query_one("#files", PickList)
        pick.set_rows([self._file_line(p, m, done) for p, m in self.files], pick.index)
        self.query_one("#inbox", TextLine).set_text(self.tr(INBOX).format(
            p=fit(str(folder("inbox")), 40), n=len(self.files)))
        for i in range(SENT_ROWS):
            text = ""
            if i < len(sent):
                s = sent[i]
                text = (f" {s.created_at:%d.%m.%y} {fit(s.ident, 30):<30} "
                        f"{fit(self.tr(KINDS.get(s.kind, T(s.kind, s.kind))), 11):<11} "
                        f"{s.records:>7} {self.tr(STATES.get(s.state, T(s.state, s.state)))}")
            self.query_one(f"#sent{i}", TextLine).set_text(text)

    def _file_line(self, path: Path, manifest: dict[str, Any] | None, done: set[str]) -> str:
        if manifest is None:
            return f"? {fit(path.name, 40):<40} " + self.tr(T("пакет емес", "не пакет"))
        kind = self.tr(KINDS.get(manifest["kind"], T("?", "?")))
        state = self.tr(STATES["imported"]) if manifest.get("ident") in done else ""
        sender = (manifest.get("sender") or {}).get("code", "?")
        return (f"  {fit(str(manifest.get('ident')), 30):<30} {fit(kind, 11):<11} "
                f"{fit(str(sender), 12):<12} {manifest.get('records', '?'):>7} {state}")

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        key = event.key
        if key == "escape":
            self.dismiss(None)
        elif key in ("f2", "alt+2"):
            self.say(self.tr(WORKING))
            self._export()
        elif key in ("f3", "alt+3"):
            from tui.screens.import_queue import ImportQueueScreen

            self.app.push_screen(ImportQueueScreen(self.session), lambda _: self.reload())
        elif key == "enter" and self.files:
            path, manifest = self.files[self.query_one("#files", PickList).index]
            if manifest is not None and manifest["kind"] == "statement":
                self._reconcile(path, manifest)
            elif manifest is not None:
                self.say(self.tr(WORKING))
                self._import(path)
        elif not self.query_one("#files", PickList).pick_key(event):
            return
        event.stop()
        event.prevent_default()

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()  # Enter is handled in on_key

    def _reconcile(self, path: Path, manifest: dict[str, Any]) -> None:
        from tui.screens.reconcile import ReconcileScreen

        self.app.push_screen(ReconcileScreen(self.session, str(manifest.get("quarter")), path))

    # -- the work, in a thread: a package can hold 100,000 cards -------------------------
    def _guarded(self, job: Callable[[], str]) -> None:
        """Run `job` (in a worker thread); what it says, or why it was refused, goes to
        the message line."""
        try:
            text = job()
        except (ExchangeError, PermissionDenied) as exc:
            text = self.tr(exc.message)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            text = one_line(exc)
        finally:
            close_database()  # this thread's connection
        self.app.call_from_thread(self._done, text)

    @work(thread=True, exclusive=True, group="packages")
    def _import(self, path: Path) -> None:
        from models.exchange.receive import receive

        def job() -> str:
            got = receive(self.session.cfg, self.session.user, path, ack_dir=folder("outbox"))
            if got.already:
                return self.tr(ALREADY).format(i=got.ident)
            text = self.tr(IMPORTED).format(i=got.ident, c=counts_text(got.results, self.lang))
            return text + (self.tr(ACK).format(p=got.ack.ident) if got.ack else "")

        self._guarded(job)

    @work(thread=True, exclusive=True, group="packages")
    def _export(self) -> None:
        from models.exchange.export import export_cards

        def job() -> str:
            written = export_cards(self.session.cfg, self.session.user, folder("outbox"),
                                   today=dt.date.today())
            return self.tr(EXPORTED).format(i=written.ident, n=written.records,
                                            p=written.path.name)

        self._guarded(job)

    def _done(self, text: str) -> None:
        self.reload()
        self.say(fit(text, 76))
