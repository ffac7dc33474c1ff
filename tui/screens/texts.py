"""Texts of the card screens (kk / ru) and the message screens send the app to open
screens that other parts of the program provide."""

from __future__ import annotations

from textual.message import Message

from models.card_schema import Field
from models.i18n import T
from models.lifecycle import STATUS_LABELS
from tui.widgets.layout import dotted

FORM = T("1-ӘП", "1-АП")  # the title bar's first word (the sketch's " 1-АП  Новая карточка")
NEW_CARD = T("Жаңа карточка", "Новая карточка")
CARD_NO = T("№ {n} карточка", "Карточка № {n}")
READ_ONLY = T("(тек қарау)", "(только просмотр)")
CORRECTING = T("(түзету)", "(исправление)")
CORRECT_WHERE = T("Түзету үшін тіркелген карточканы ашыңыз (F5 іздеу)",
                  "Для исправления откройте зарегистрированную карточку (F5 поиск)")
STATUS_LABEL = T("Күйі", "Статус")
# Status words live with the lifecycle rules (models/lifecycle.py); keyed by value here.
STATUS = {status.value: label for status, label in STATUS_LABELS.items()}
COUNTS = T("Қате: {e}  Ескерту: {w}", "Ошибок: {e}  Предупр.: {w}")
# Shown in the status line once the form is ready for typing (a bench waits for it).
READY = T("Енгізуге дайын", "Готово к вводу")
ESCAPE_ARMED = T("Esc: енді 1..0 цифрын басыңыз (F1..F10 сияқты)",
                 "Esc: теперь цифру 1..0 (как F1..F10)")
PINNED = T("Өріс бекітілді: жаңа карточкада қалады",
           "Поле закреплено: останется в новой карточке")
UNPINNED = T("Өріс бекітуден босатылды", "Поле больше не закреплено")
NO_DIRECTORY = T("Бұл өрістің анықтамалығы жоқ", "У этого поля нет справочника")
DISCARD_HIDDEN = T("Субъект өзгерді: жасырылатын жолдардағы деректер өшірілсін бе?",
                   "Субъект изменён: стереть данные в скрываемых строках?")
DISCARD_LINES = T("Жолдар: {lines}", "Строки: {lines}")
DISCARD_CARD = T("Сақталмаған карточка өшірілсін бе?", "Стереть несохранённую карточку?")
SAVED = T("Сақталды: № {n} карточка. Келесі карточка.",
          "Сохранено: карточка № {n}. Следующая карточка.")
SAVED_NUMBER_MOVED = T("Сақталды: № {n}; тіркеу № {j} (ұсынылғаны бос емес)",
                       "Сохранено: № {n}; рег. № {j} (предложенный занят)")
NO_HISTORY_YET = T("Карточка сақталмаған: тарихы әлі жоқ",
                   "Карточка не сохранена: истории ещё нет")
FILLED_FROM_REGISTER = T("Тізілімнен алынды: {lines}", "Взято из реестра: {lines}")
NOT_YOURS = T("Рұқсат жоқ: {what}", "Нет прав: {what}")  # a window of another role
NO_DUPLICATES = T("Бұрынғы жазбалар табылмады", "Прежних записей не найдено")
MATCH_FAILED = T("Дерекқор қатесі: бұрынғы жазбалар тексерілмеді",
                 "Ошибка базы данных: прежние записи не проверены")
RESUME = T("Аяқталмаған карточка бар. Жалғастыру керек пе?",
           "Есть незаконченная карточка. Продолжить её?")
RESUME_DETAIL = T("Жоқ: ол өшіріледі, жаңа карточка ашылады",
                  "Нет: она будет стёрта, откроется новая карточка")
FULL = T("толық", "полностью")
DB_ERROR = T("Дерекқор қатесі: карточка сақталмады", "Ошибка базы данных: карточка не сохранена")
DRAFT_FAILED = T("Жоба сақталмады", "Черновик не сохранён")


NOTHING_FOUND = T("Ештеңе табылмады", "Ничего не найдено")
SEARCHING = T("Іздеу...", "Поиск...")


def directory_title(field: Field, full: bool) -> T:
    num = dotted(field.line)
    title = T(f"{num} {field.label.kk}", f"{num} {field.label.ru}")
    if full:
        title = T(f"{title.kk} ({FULL.kk})", f"{title.ru} ({FULL.ru})")
    return title


class OpenScreen(Message):
    """Ask the app to open the window of a command of tui.keys.COMMANDS (its `screen`)
    for the card `card_id` (the card shown, if any). Screens never import the app."""

    def __init__(self, command: str, card_id: int | None = None) -> None:
        super().__init__()
        self.command = command
        self.card_id = card_id
