"""The `apcard` argument parser: argparse speaking the session's language.

- `--config`, `--db` and `--lang` are accepted before the command and after it, on every
  level (`apcard init --db URL`, `apcard user add --lang kk ...`);
- `apcard --help` lists every command, each with one line from COMMAND_HELP;
- argparse's own words (usage, option headings, its error messages) are said in the
  session's language; an error is one line (CliError, exit code 2).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Callable, Iterator

from models.i18n import LANGUAGES, T, patterns, translated
from tui.cli.base import EXIT_USAGE, CliError, say

GLOBAL_OPTIONS = ("--config", "--db", "--lang")

# One line for each command, in the session's language (the top-level help lists them
# all; a test checks that every command has its line).
COMMAND_HELP: dict[str, T] = {
    "init": T("дерекқорды құру не жаңарту; бос дерекқорда іске қосқан ОЖ есептік жазбасы "
              "әкімші болады",
              "создать или обновить базу; в пустой базе запустившая учётная запись ОС "
              "становится администратором"),
    "db upgrade": T("дерекқор схемасын осы нұсқаға жеткізу",
                    "привести схему базы к этой версии apcard"),
    "db version": T("дерекқор схемасының нұсқасы", "версия схемы базы"),
    "db roles": T("PostgreSQL: көп операторға рөлдер мен құқықтар (суперпайдаланушы)",
                  "PostgreSQL: роли и права для многих операторов (суперпользователь)"),
    "demo": T("тізілімді демо-карточкалармен толтыру",
              "заполнить реестр демонстрационными карточками"),
    "codebooks load": T("анықтамалық файлдарын жүктеу", "загрузить файлы справочников"),
    "codebooks check": T("анықтамалық файлдарын тексеру", "проверить файлы справочников"),
    "codebooks show": T("бір анықтамалықты көрсету", "показать один справочник"),
    "user add": T("пайдаланушы қосу", "добавить пользователя"),
    "user list": T("пайдаланушылар тізімі", "список пользователей"),
    "user set-role": T("пайдаланушы рөлін өзгерту", "сменить роль пользователя"),
    "user passwd": T("құпиясөз орнату", "задать пароль"),
    "persons import": T("адамдарды CSV файлынан қосу", "добавить лиц из CSV-файла"),
    "persons search": T("тізілімнен адамды іздеу", "поиск лица в реестре"),
    "persons shared": T("бірнеше жазбада тұрған ЖСН/БСН", "ИИН/БИН у нескольких записей"),
    "audit verify": T("журналды, деректерді журналмен және мөрлерді тексеру",
                      "проверить журнал, данные по журналу и печати"),
    "audit seal": T("журнал басына қазір мөр басу", "опечатать голову журнала сейчас"),
    "audit export": T("түзетулер журналын шығару", "выгрузить журнал исправлений"),
    "card status": T("карточканың күйі, нұсқасы, қайтару мерзімі",
                     "состояние, версия и срок возврата карточки"),
    "card dispatch": T("тіркелген және түзетілген карточкаларды жіберу (жіберу күні)",
                       "отправить зарегистрированные и исправленные карточки (в день отправки)"),
    "card return": T("карточканы түзетуге қайтару (себебімен)",
                     "вернуть карточку на исправление (с причиной)"),
    "card remove": T("карточканы алып тастау (себебімен)", "удалить карточку (с причиной)"),
    "card execute": T("жаза орындалды деп белгілеу", "отметить исполнение взыскания"),
    "card protest": T("наразылық нәтижесі (19, 19.1-жолдар)",
                      "результат протеста (строки 19, 19.1)"),
    "card returned": T("түзетуге қайтарылған карточкалар және мерзімдері",
                       "возвращённые на исправление карточки и их сроки"),
    "print card": T("карточканы қағаздағыдай басу", "печать карточки как на бумаге"),
    "print journal": T("тіркеу журналын басу", "печать журнала регистрации"),
    "print notice": T("орындау не босату туралы хабарламаны басу",
                      "печать уведомления об исполнении или освобождении"),
    "print answer": T("сұрауға жауапты басу", "печать ответа на запрос"),
    "print act": T("жою актісін басу", "печать акта уничтожения"),
    "journal list": T("кезең жазбалары", "записи журнала за период"),
    "journal add": T("карточкасыз іс жазбасы", "запись о деле без карточки"),
    "journal set": T("карточканың 3 және 9-бағандары", "графы 3 и 9 карточки"),
    "notice execution": T("төлем: орындау туралы хабарлама", "платёж: уведомление об исполнении"),
    "notice release": T("жауаптылықтан не жазадан босату",
                        "освобождение от ответственности или взыскания"),
    "notice list": T("хабарламалар тізімі", "список уведомлений"),
    "requests add": T("қағаздағы сұрауды енгізу", "ввести запрос с бумаги"),
    "requests list": T("сұраулар және мерзімдері", "запросы и их сроки"),
    "requests show": T("табылған үміткерлер мен карточкалары",
                       "найденные кандидаты и их карточки"),
    "requests search": T("сұраудағы адамды тізілімнен іздеу", "поиск лица из запроса в реестре"),
    "requests confirm": T("үміткер туралы шешім", "решение по кандидату"),
    "requests answer": T("сұрауға жауап (бір не CSV)", "ответ на запрос (один или CSV)"),
    "requests return": T("қате сұрауды орындамай қайтару", "вернуть неверный запрос без исполнения"),
    "purge": T("сақтау мерзімі біткенді акт бойынша жою",
               "уничтожить то, чей срок хранения истёк, по акту"),
    "export": T("жоғары деңгейге карточкалар пакетін не түбіртекті жазу",
                "записать пакет карточек для уровня выше или квитанцию"),
    "import": T("карточкалар пакетін не түбіртекті қабылдау",
                "принять пакет карточек или квитанцию"),
    "queue list": T("күтудегі карточкалар, үміткерлері мен мерзімдері",
                    "ожидающие карточки, их кандидаты и сроки"),
    "queue decide": T("сол адам, басқа адам, не карточканы қайтару",
                      "то же лицо, другое лицо или вернуть карточку"),
    "reconcile": T("тоқсандық салыстыру: акт жазу не салыстыру",
                   "квартальная сверка: записать акт или сравнить"),
    "stats": T("тізілім статистикасы: саны мен айыппұлдары",
               "статистика реестра: количество и штрафы"),
}


def terminal_columns() -> int:
    """The terminal's width as shutil.get_terminal_size() tells it (COLUMNS, else standard
    output's terminal, else 80), without importing shutil: argparse's formatter imports
    it for this at every start, and shutil loads liblzma and libbz2 (tui.cli.core)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         terminal_columns() - 2 if width is None else width)

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups,
                                 say(T("Қолданылуы: ", "Использование: ")) if prefix is None
                                 else prefix)


class Parser(argparse.ArgumentParser):
    """A parser whose options and errors speak the session's language and which takes
    the global options wherever they are put."""

    def __init__(self, *args, top: bool = False, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        path = str(kwargs.get("prog") or "").removeprefix("apcard").strip()
        if path in COMMAND_HELP and not kwargs.get("description"):
            kwargs["description"] = say(COMMAND_HELP[path])
        super().__init__(*args, **kwargs)
        self._positionals.title = say(T("аргументтер", "аргументы"))
        self._optionals.title = say(T("параметрлер", "параметры"))
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help=say(T("осы анықтама", "эта справка")))
        # Below the top level the options only set what was given: `apcard --db A init`
        # keeps A, `apcard init --db B` takes B.
        default = None if top else argparse.SUPPRESS
        self.add_argument("--config", default=default, metavar=say(T("ФАЙЛ", "ФАЙЛ")),
                          help=say(T("баптау файлы (әдепкі: APCARD_CONFIG не config.toml)",
                                     "файл конфигурации (по умолчанию APCARD_CONFIG или "
                                     "config.toml)")))
        self.add_argument("--db", default=default, metavar="URL",
                          help=say(T("дерекқор URL-і, баптаудан басым (APCARD_DB та); "
                                     "салыстырмалы SQLite жолы ағымдағы қалтадан",
                                     "URL базы, важнее конфигурации (также APCARD_DB); "
                                     "относительный путь SQLite — от текущей папки")))
        self.add_argument("--lang", default=default, choices=LANGUAGES,
                          help=say(T("осы іске қосудың тілі", "язык этого запуска")))

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("parser_class", Parser)
        kwargs.setdefault("title", say(T("командалар", "команды")))
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        where = self.prog.removeprefix("apcard").strip()  # "db", "user add", ...
        text = usage_error(message)
        raise CliError(T(f"{where}: {text.kk}", f"{where}: {text.ru}") if where else text,
                       EXIT_USAGE)


class _Version(argparse.Action):
    """--version: the installed version, looked up only when asked (reading the
    package metadata costs every start some 30 ms)."""

    def __init__(self, option_strings: list[str], dest: str, version: Callable[[], str],
                 help: str | None = None) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                         nargs=0, help=help)
        self.version = version

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"apcard {self.version()}")  # on stdout, as argparse's own
        parser.exit()


class TopParser(Parser):
    """`apcard` itself: --version, and a help that lists every command."""

    def __init__(self, version: Callable[[], str]) -> None:
        super().__init__(prog="apcard", top=True, description=say(T(
            "1-ӘП карточкаларының тізілімі (әкімшілік құқық бұзушылықтар)",
            "Реестр карточек 1-АП (административные правонарушения)")))
        self.add_argument("--version", action=_Version, version=version,
                          help=say(T("нұсқасы", "версия")))

    def format_help(self) -> str:
        lines = [say(T("Қолданылуы: apcard [КОМАНДА ...] [--config ФАЙЛ] [--db URL] "
                       "[--lang kk|ru]",
                       "Использование: apcard [КОМАНДА ...] [--config ФАЙЛ] [--db URL] "
                       "[--lang kk|ru]")),
                 "", self.description or "",
                 say(T("Командасыз: карточка экранын ашу.",
                       "Без команды: открыть экран карточки.")), "",
                 say(T("Командалар:", "Команды:"))]
        listed = list(commands(self))
        width = min(max((len(c) for c, _ in listed), default=0), 24)
        for path, parser in listed:
            text = COMMAND_HELP.get(path)
            about = say(text) if text else (parser.description or "")
            lines += textwrap.wrap(about, 78, initial_indent=f"  {path.ljust(width)}  ",
                                   subsequent_indent=" " * (width + 4)) or [f"  {path}"]
        lines += ["", say(T("Параметрлер (кез келген командадан кейін де):",
                            "Параметры (можно и после любой команды):"))]
        for action in self._actions:
            if action.option_strings and action.help != argparse.SUPPRESS:
                names = ", ".join(action.option_strings)
                if action.metavar or action.choices:
                    names += " " + (action.metavar or "|".join(action.choices))
                lines += textwrap.wrap(action.help or "", 78,
                                       initial_indent=f"  {names.ljust(20)}  ",
                                       subsequent_indent=" " * 24)
        lines += ["", say(T("Команданың параметрлері: apcard КОМАНДА --help",
                            "Параметры команды: apcard КОМАНДА --help"))]
        return "\n".join(lines) + "\n"


def commands(parser: argparse.ArgumentParser, prefix: str = ""
             ) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command, as its words ("db upgrade"), with its parser; leaves only."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = f"{prefix} {name}".strip()
                inner = list(commands(sub, path))
                if inner:
                    yield from inner
                else:
                    yield path, sub


# argparse's messages (Python 3.11) -> the session's language.
_ERRORS = patterns((
    (r"^unrecognized arguments: (.*)$",
     T("артық аргументтер: {0}", "лишние аргументы: {0}")),
    (r"^the following arguments are required: (.*)$",
     T("керек аргументтер жоқ: {0}", "не хватает аргументов: {0}")),
    (r"^one of the arguments (.*) is required$",
     T("мыналардың бірі керек: {0}", "нужен один из аргументов: {0}")),
    (r"^argument (.+?): invalid choice: (.*) \(choose from (.*)\)$",
     T("{0}: {1} деген нұсқа жоқ; мүмкін: {2}", "{0}: нет варианта {1}; допустимо: {2}")),
    (r"^argument (.+?): invalid \S+ value: (.*)$",
     T("{0}: мән қате: {1}", "{0}: неверное значение: {1}")),
    (r"^argument (.+?): expected one argument$",
     T("{0}: мәні керек", "{0}: нужно значение")),
    (r"^argument (.+?): expected at (?:least|most) one argument$",
     T("{0}: мәндер саны қате", "{0}: неверное число значений")),
    (r"^argument (.+?): not allowed with argument (.*)$",
     T("{0} мен {1} бірге берілмейді", "{0} нельзя вместе с {1}")),
    (r"^argument (.+?): ignored explicit argument (.*)$",
     T("{0}: {1} мәні артық", "{0}: лишнее значение {1}")),
    (r"^ambiguous option: (\S+) could match (.*)$",
     T("{0} параметрі бірмәнді емес: {1}", "параметр {0} неоднозначен: {1}")),
    (r"^argument (.+?): (.*)$", T("{0}: {1}", "{0}: {1}")),
))


def usage_error(message: str) -> T:
    """One of argparse's error messages in both languages (a message argparse does not
    know stays as it is: a type function's own words, already in the session's)."""
    found = translated(_ERRORS, message)
    return found[0] if found else T(message, message)
