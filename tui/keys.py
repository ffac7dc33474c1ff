"""The command table and the key map.

COMMANDS is the one table of what the operator can ask for: each command's id (also
its key in config.toml [keys]), footer word, help line, default keys, where it is
bound, what runs, and its place in the footer and in the F10 menu. A new command or
screen is one entry here (and its line in config.toml [keys]); see ARCHITECTURE.md.

What runs is one of:
- `action`: a Textual action of the screen that binds it ("save" -> `action_save` of
  the card screen, "language" -> `action_language` of the app);
- `screen`: "module:Class", a window the app opens as `Class(session, card_id)` (the
  card on screen, or None), imported when first asked for.

Keys come from config.toml [keys] ("id = key[,alternate...]"); an id missing there uses
the command's own `keys`. Every command has an alternate that needs no function key and
works under the Russian and Kazakh layouts: Alt+digit, which terminals send as ESC and
the digit, and which Esc followed by the digit (within `[ui] escape_ms`) also gives.

Why the key aliases below: Textual 8 reads ESC+digit as the character macOS's Option
key makes ("ESC 2" arrives as `trade_mark_sign`), so a binding written "alt+2" would
never fire; and the Linux console and VT220 send Shift+F1..F8 as F13..F20. `KeyMap`
binds, for every key, the names Textual really produces, including the same physical
key under the Russian (ЙЦУКЕН) and Windows Kazakh layouts (digits type ә і ң ғ ү ұ қ ө һ).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.keys import key_to_character

from models.i18n import T
from tui import textual_private

CARD = "card"  # bound on the card screen: works while the card is the active window
APP = "app"  # bound on the app with priority: works above every window


@dataclass(frozen=True)
class Command:
    id: str
    short: T  # footer word
    long: T  # help and menu line
    keys: str  # default keys, as in config.toml [keys]
    action: str = ""  # a Textual action of the screen binding it (see module doc)
    screen: str = ""  # or a window the app opens: "module:Class"
    where: str = CARD  # CARD or APP
    footer: int = 0  # place in the footer bar (0: not shown there)
    menu: int = 0  # place in the F10 menu, by tens (0: not listed; 125 goes between 120 and 130)
    edits: bool = False  # needs a card being typed: left out of a read-only card's menu
    needs: str = ""  # the models.permissions.Action its window is for: refused before it opens

    @property
    def run(self) -> str:
        """The Textual action its binding calls."""
        return self.action or f"open_screen('{self.id}')"


COMMANDS: tuple[Command, ...] = (
    Command("help", T("Көмек", "Помощь"), T("Пернелер мен белгілер", "Клавиши и обозначения"),
            "f1,alt+1", action="help", footer=1, menu=140),
    Command("save", T("Сақт", "Сохр"), T("Карточканы сақтау (тіркеу)",
                                         "Сохранить (зарегистрировать) карточку"),
            "f2,alt+2", action="save", footer=2, menu=10, edits=True),
    Command("directory", T("Анықт", "Справ"),
            T("Өріс анықтамалығы (тек рұқсат етілгендері)",
              "Справочник поля (только допустимые значения)"),
            "f3,alt+3", action="directory", footer=3, menu=50),
    Command("directory_full", T("Толық", "Полн"),
            T("Анықтамалық толық күйінде", "Справочник полностью"),
            "f4,alt+4", action="directory(True)", footer=4, menu=60),
    Command("find", T("Іздеу", "Найти"), T("Карточкаларды іздеу", "Поиск карточек"),
            "f5,alt+5", screen="tui.screens.card_list:CardListScreen", footer=5, menu=80),
    Command("duplicates", T("Қайт", "Дубли"),
            T("Осы адамның бұрынғы карточкалары", "Прежние карточки этого лица"),
            "f6,alt+6", action="duplicates", footer=6, menu=90),
    Command("journal", T("Журн", "Журн"), T("Түзетулер журналы", "Журнал исправлений"),
            "f7,alt+7", screen="tui.screens.correction_journal:CorrectionJournalScreen",
            footer=7, menu=100, needs="journal.read"),
    Command("correct", T("Түзет", "Испр"),
            T("Тіркелген карточканы түзету", "Исправить зарегистрированную карточку"),
            "f8,alt+8", action="correct", footer=8, menu=110),
    Command("history", T("Тарих", "Истор"),
            T("Карточка тарихы: әр жолдың бұрынғы мәндері",
              "История карточки: прежние значения строк"),
            "shift+f8,alt+h", screen="tui.screens.history:CardHistoryScreen", menu=120),
    Command("language", T("Тіл", "Язык"), T("Тіл: қазақша / орысша",
                                           "Язык: казахский / русский"),
            "f9,alt+9", action="language", where=APP, footer=9, menu=130),
    Command("menu", T("Мәзір", "Меню"), T("Мәзір", "Меню"), "f10,alt+0", action="menu",
            footer=10),
    Command("new_card", T("Жаңа", "Новая"),
            T("Жаңа карточка (бекітілген өрістер сақталады)",
              "Новая карточка (закреплённые поля сохраняются)"),
            "f11,alt+minus", action="new_card", menu=20, edits=True),
    Command("errors", T("Қател", "Ошиб"), T("Қателер мен ескертулер тізімі",
                                            "Список ошибок и предупреждений"),
            "f12,alt+equal", action="errors", menu=30),
    Command("persist", T("Бекіт", "Закр"),
            T("Өрісті бекіту: жаңа карточкада мәні қалады",
              "Закрепить поле: значение остаётся в новой карточке"),
            "insert,alt+p", action="persist", menu=70, edits=True),
    Command("goto", T("Жолға", "Строка"),
            T("Жолға өту: нөмірін теріңіз (мыс. 13)",
              "Перейти к строке: наберите номер (напр. 13)"),
            "ctrl+g,alt+g", action="goto", menu=40),
    # The register's other documents (windows of tui/screens/: card_life, notice_form,
    # protest_form, registration_journal, requests, retention, print_dialog).
    Command("life", T("Өмірі", "Жизнь"),
            T("Карточканың өмірі: жіберу, қайтару, орындалу, хабарламалар, наразылық",
              "Жизнь карточки: отправка, возврат, исполнение, извещения, протест"),
            "ctrl+l,alt+l", screen="tui.screens.card_life:CardLifeScreen", menu=112),
    Command("print", T("Басу", "Печать"), T("Карточканы басып шығару (мәтін 80/132, HTML)",
                                           "Печать карточки (текст 80/132, HTML)"),
            "ctrl+p,alt+y", screen="tui.screens.print_dialog:CardPrintScreen", menu=114),
    Command("notice", T("Хабарл", "Извещ"),
            T("Орындалу туралы хабарлама (3-қосымша): төлем, 13-жол",
              "Извещение об исполнении (Приложение 3): оплата, строка 13"),
            "ctrl+n,alt+n", screen="tui.screens.notice_form:ExecutionNoticeScreen", menu=115),
    Command("release", T("Босату", "Освоб"),
            T("Босату туралы хабарлама (4-қосымша)", "Извещение об освобождении (Приложение 4)"),
            "alt+v", screen="tui.screens.notice_form:ReleaseNoticeScreen", menu=116),
    Command("protest", T("Нараз", "Протест"),
            T("Наразылық нәтижесі (19, 19.1-жолдар)", "Результат протеста (строки 19, 19.1)"),
            "ctrl+t,alt+t", screen="tui.screens.protest_form:ProtestScreen", menu=117),
    Command("reg_journal", T("Тірк.журн", "Рег.журн"),
            T("Әкімшілік істерді тіркеу журналы (2-қосымша)",
              "Журнал регистрации административных дел (Приложение 2)"),
            "ctrl+r,alt+r", screen="tui.screens.registration_journal:RegistrationJournalScreen",
            menu=122),
    Command("requests", T("Сұраулар", "Запросы"),
            T("Жауапкершілікке тарту туралы сұраулар (5-қосымша)",
              "Запросы о привлечении к ответственности (Приложение 5)"),
            "ctrl+k,alt+k", screen="tui.screens.requests:RequestsScreen", menu=124),
    Command("retention", T("Сақтау", "Хранение"),
            T("Сақтау мерзімдері және жою актілері (13, 14-тармақтар)",
              "Сроки хранения и акты уничтожения (пп. 13, 14)"),
            "ctrl+o,alt+o", screen="tui.screens.retention:RetentionScreen", menu=126,
            needs="retention.read"),
    # The data bank's flows (models/exchange, models/reconcile.py, models/stats.py).
    Command("packages", T("Пакеттер", "Пакеты"),
            T("Пакеттер: кірісті енгізу, жіберу, тоқсандық салыстыру",
              "Пакеты: ввод входящих, отправка, квартальная сверка"),
            "ctrl+e,alt+e", screen="tui.screens.packages:PackagesScreen", menu=127),
    Command("queue", T("Кезек", "Очередь"),
            T("Импорт кезегі: ықтимал қайталанатын адамдар",
              "Очередь импорта: вероятные дубли лиц"),
            "ctrl+b,alt+u", screen="tui.screens.import_queue:ImportQueueScreen", menu=128),
    Command("stats", T("Статист", "Статист"),
            T("Статистика: бап, орган, өңір, субъект, жаза, кезең",
              "Статистика: статья, орган, регион, субъект, взыскание, период"),
            "ctrl+x,alt+s", screen="tui.screens.stats:StatsScreen", menu=129),
    Command("quit", T("Шығу", "Выход"), T("Бағдарламадан шығу (жоба сақталады)",
                                          "Выйти из программы (черновик сохраняется)"),
            "ctrl+q,alt+q", action="quit", where=APP, menu=150),
)
COMMAND_BY_ID = {c.id: c for c in COMMANDS}
DEFAULT_KEYS: dict[str, str] = {c.id: c.keys for c in COMMANDS}
FOOTER_IDS = tuple(c.id for c in sorted(COMMANDS, key=lambda c: c.footer) if c.footer)
MENU_IDS = tuple(c.id for c in sorted(COMMANDS, key=lambda c: (c.menu, c.id)) if c.menu)


def bindings(where: str) -> list[Binding]:
    """Textual bindings of the commands bound at `where`, with their default keys; the
    app's key map (KeyMap.textual_keymap) puts the configured keys on them by id."""
    return [Binding(KeyMap.expand(c.keys), c.run, show=False, id=c.id, priority=where == APP)
            for c in COMMANDS if c.where == where]


_NAMED_CHARS = {"minus": "-", "equal": "=", "equals": "=", "plus": "+", "space": " ",
                "comma": ",", "period": ".", "full_stop": ".", "slash": "/"}
# The same physical key under the Russian layout (ЙЦУКЕН) ...
_RU = dict(zip("qwertyuiop[]asdfghjkl;'zxcvbnm,.`", "йцукенгшщзхъфывапролджэячсмитьбюё",
               strict=True))
# ... and the digit row of the Windows Kazakh layout.
_KZ = dict(zip("234589-=0", "әіңғүұөһқ", strict=True))
# Shift+F1..F8 as the Linux console and a VT220 send them: F13..F20.
_SHIFTED_F = {f"shift+f{n}": f"f{n + 12}" for n in range(1, 9)}


def _char_of(name: str) -> str | None:
    if len(name) == 1:
        return name
    return _NAMED_CHARS.get(name) or key_to_character(name)


def aliases(key: str) -> list[str]:
    """Key names Textual may report for `key` ("alt+2", "shift+f8"): the key itself,
    what the terminal's bytes for it are read as, and for Alt+letter the same physical
    key under the Russian / Kazakh layouts."""
    out = [key]
    if key in _SHIFTED_F:
        out.append(_SHIFTED_F[key])
    mod, sep, name = key.rpartition("+")
    char = _char_of(name) if mod == "alt" and sep else None
    if char is not None:
        out.append(f"alt+{textual_private.key_of_character(char)}")
        seen = textual_private.escape_character(char)
        if seen is not None:
            out.append(textual_private.key_of_character(seen))
        for table in (_RU, _KZ):
            other = table.get(char)
            if other:
                out.append(f"alt+{textual_private.key_of_character(other)}")
    return list(dict.fromkeys(out))


def split_keys(text: str) -> list[str]:
    return [k.strip().lower() for k in text.split(",") if k.strip()]


class KeyMap:
    """Command id -> keys, from the config with the commands' defaults."""

    def __init__(self, configured: dict[str, str] | None = None) -> None:
        self._keys: dict[str, list[str]] = {}
        for cid, default in DEFAULT_KEYS.items():
            self._keys[cid] = split_keys((configured or {}).get(cid) or "") or split_keys(default)
        self._command: dict[str, str] = {}
        self._after_escape: dict[str, str] = {}
        for cid, keys in self._keys.items():
            for key in keys:
                for alias in aliases(key):
                    self._command.setdefault(alias, cid)
                    if key.startswith("alt+"):
                        self._after_escape.setdefault(alias.removeprefix("alt+"), cid)

    @staticmethod
    def expand(keys: str) -> str:
        """A comma-separated key list with every alias, for a Textual binding."""
        return ",".join(dict.fromkeys(a for k in split_keys(keys) for a in aliases(k)))

    def keys(self, cid: str) -> list[str]:
        return list(self._keys[cid])

    def textual_keymap(self) -> dict[str, str]:
        """Binding id -> keys."""
        return {cid: self.expand(",".join(keys)) for cid, keys in self._keys.items()}

    def changed_keymap(self) -> dict[str, str]:
        """Binding id -> keys for the commands the configuration moved off their default
        keys, for App.set_keymap: Textual puts every binding of the chain through the key
        map on each key pressed (some 10 ms for all of ours), so only these go there."""
        return {cid: keys for cid, keys in self.textual_keymap().items()
                if keys != self.expand(DEFAULT_KEYS[cid])}

    def command_of(self, key: str) -> str | None:
        """The command a key reported by Textual runs, if any."""
        return self._command.get(key)

    def is_key_of(self, key: str, cid: str) -> bool:
        return self._command.get(key) == cid

    def after_escape(self, key: str) -> str | None:
        """The command for a key typed right after Esc (Esc, 2 = Alt+2 = F2): for terminals
        and keyboards where Alt does not reach the program."""
        return self._after_escape.get(key)

    def number(self, cid: str) -> str:
        """What the footer shows before the word: "2" for F2, else the key itself."""
        first = self._keys[cid][0]
        if first.startswith("f") and first[1:].isdigit():
            return first[1:]
        return key_label(first)

    def label(self, cid: str) -> str:
        """All keys of a command for the help screen: "F2, Alt+2"."""
        return ", ".join(key_label(k) for k in self._keys[cid])


class EscapePrefix:
    """Esc followed by a digit within `window` seconds is Alt+digit (F-key-less keyboards,
    terminals where Alt does not reach the program). Later than that, or followed by
    any other key, the Esc was a lone Esc and does what Esc does."""

    def __init__(self, keymap: KeyMap, window: float) -> None:
        self.keymap = keymap
        self.window = window
        self.armed_at: float | None = None

    @property
    def armed(self) -> bool:
        return self.armed_at is not None

    def arm(self, now: float) -> None:
        self.armed_at = now

    def disarm(self) -> None:
        self.armed_at = None

    def take(self, key: str, now: float) -> str | None:
        """The command Esc + `key` gives (disarming), or None: a lone Esc before `key`."""
        at, self.armed_at = self.armed_at, None
        if at is None or now - at > self.window:
            return None
        return self.keymap.after_escape(key)


def key_label(key: str) -> str:
    parts = key.split("+")
    names = {"alt": "Alt", "ctrl": "Ctrl", "shift": "Shift", "insert": "Ins",
             "escape": "Esc", "minus": "-", "equal": "=", "enter": "Enter", "tab": "Tab"}
    return "+".join(names.get(p, p.upper() if len(p) <= 3 else p.capitalize()) for p in parts)
