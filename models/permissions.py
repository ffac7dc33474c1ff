"""Who may do what: one table of action x role, one function that enforces it.

Every model function that reads protected data or writes registered data calls
`require(user, action)` first, so the CLI, the TUI and scripts get the same answer.
On PostgreSQL the database enforces the same rights for whatever program connects
(models/pgroles.py: grants, column rights and the card's triggers).
"""

from __future__ import annotations

from enum import StrEnum

from models.i18n import T
from models.tables import Role, User


class Action(StrEnum):
    READ_CARD = "card.read"
    ENTER_CARD = "card.enter"  # new cards and drafts
    CORRECT_CARD = "card.correct"
    REMOVE_CARD = "card.remove"
    DISPATCH_CARD = "card.dispatch"
    RETURN_CARD = "card.return"
    EXECUTE_CARD = "card.execute"
    READ_HISTORY = "card.history"
    READ_JOURNAL = "journal.read"
    EXPORT_JOURNAL = "journal.export"
    LIST_USERS = "users.list"
    MANAGE_USERS = "users.manage"
    # The register's other documents (registration journal, notices, protests, liability
    # requests, retention).
    READ_REGISTER = "register.read"
    KEEP_REGISTER = "register.keep"
    ENTER_NOTICE = "notice.enter"
    ENTER_PROTEST = "protest.enter"
    READ_REQUESTS = "requests.read"
    KEEP_REQUESTS = "requests.keep"
    READ_RETENTION = "retention.read"
    PURGE = "retention.purge"
    CREATE_PERSON = "person.create"  # persons and legal entities of new cards, imports
    CORRECT_PERSON = "person.correct"  # identification data of a registered person (§38)
    LOAD_CODEBOOKS = "codebooks.load"
    UPGRADE_SCHEMA = "db.upgrade"
    MANAGE_DB_ROLES = "db.roles"
    LOAD_DEMO = "demo.load"
    VERIFY_LOG = "audit.verify"
    SEAL_LOG = "audit.seal"


OP, ADMIN, AUDIT = Role.OPERATOR, Role.ADMINISTRATOR, Role.AUDITOR

# §34-2: only the administrator corrects or deletes registered data. The auditor reads
# everything, logs included, and changes nothing.
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.READ_CARD: frozenset({OP, ADMIN, AUDIT}),
    Action.ENTER_CARD: frozenset({OP, ADMIN}),
    Action.CORRECT_CARD: frozenset({ADMIN}),
    Action.REMOVE_CARD: frozenset({ADMIN}),
    Action.DISPATCH_CARD: frozenset({OP, ADMIN}),
    Action.RETURN_CARD: frozenset({ADMIN}),
    Action.EXECUTE_CARD: frozenset({ADMIN}),
    Action.READ_HISTORY: frozenset({OP, ADMIN, AUDIT}),
    Action.READ_JOURNAL: frozenset({ADMIN, AUDIT}),
    Action.EXPORT_JOURNAL: frozenset({ADMIN, AUDIT}),
    Action.LIST_USERS: frozenset({ADMIN, AUDIT}),
    Action.MANAGE_USERS: frozenset({ADMIN}),
    Action.READ_REGISTER: frozenset({OP, ADMIN, AUDIT}),
    Action.KEEP_REGISTER: frozenset({OP, ADMIN}),
    # Notices and protest results are documents the body receives, not corrections: the
    # operator keys them; the lines they change are logged with the document as reason.
    Action.ENTER_NOTICE: frozenset({OP, ADMIN}),
    Action.ENTER_PROTEST: frozenset({OP, ADMIN}),
    Action.READ_REQUESTS: frozenset({OP, ADMIN, AUDIT}),
    Action.KEEP_REQUESTS: frozenset({OP, ADMIN}),
    Action.READ_RETENTION: frozenset({ADMIN, AUDIT}),
    Action.PURGE: frozenset({ADMIN}),  # §14: destruction removes registered data
    Action.CREATE_PERSON: frozenset({OP, ADMIN}),
    Action.CORRECT_PERSON: frozenset({ADMIN}),
    Action.LOAD_CODEBOOKS: frozenset({ADMIN}),
    Action.UPGRADE_SCHEMA: frozenset({ADMIN}),
    Action.MANAGE_DB_ROLES: frozenset({ADMIN}),
    Action.LOAD_DEMO: frozenset({ADMIN}),
    Action.VERIFY_LOG: frozenset({ADMIN, AUDIT}),
    Action.SEAL_LOG: frozenset({ADMIN, AUDIT}),
}

ACTION_LABELS: dict[Action, T] = {
    Action.READ_CARD: T("карточканы қарау", "просмотр карточки"),
    Action.ENTER_CARD: T("жаңа карточка енгізу", "ввод новой карточки"),
    Action.CORRECT_CARD: T("тіркелген карточканы түзету", "исправление зарегистрированной карточки"),
    Action.REMOVE_CARD: T("карточканы алып тастау", "удаление карточки"),
    Action.DISPATCH_CARD: T("карточканы Басқармаға жіберу", "отправка карточки в Управление"),
    Action.RETURN_CARD: T("карточканы түзетуге қайтару", "возврат карточки на исправление"),
    Action.EXECUTE_CARD: T("жазаның орындалғанын белгілеу", "отметка об исполнении взыскания"),
    Action.READ_HISTORY: T("карточка тарихын қарау", "просмотр истории карточки"),
    Action.READ_JOURNAL: T("түзетулер журналын қарау", "просмотр журнала исправлений"),
    Action.EXPORT_JOURNAL: T("түзетулер журналын экспорттау", "выгрузка журнала исправлений"),
    Action.LIST_USERS: T("пайдаланушылар тізімі", "список пользователей"),
    Action.MANAGE_USERS: T("пайдаланушыларды басқару", "управление пользователями"),
    Action.READ_REGISTER: T("істерді тіркеу журналын қарау", "просмотр журнала регистрации дел"),
    Action.KEEP_REGISTER: T("істерді тіркеу журналын жүргізу", "ведение журнала регистрации дел"),
    Action.ENTER_NOTICE: T("хабарлама енгізу", "ввод извещения"),
    Action.ENTER_PROTEST: T("наразылық нәтижесін енгізу", "ввод результата протеста"),
    Action.READ_REQUESTS: T("сұрау салуларды қарау", "просмотр запросов"),
    Action.KEEP_REQUESTS: T("сұрау салуларды орындау", "исполнение запросов"),
    Action.READ_RETENTION: T("сақтау мерзімдерін қарау", "просмотр сроков хранения"),
    Action.PURGE: T("мерзімі өткен деректерді жою", "уничтожение данных с истёкшим сроком"),
    Action.CREATE_PERSON: T("тұлғаны тізілімге енгізу", "внесение лица в реестр"),
    Action.CORRECT_PERSON: T("тұлғаның сәйкестендіру деректерін түзету",
                             "исправление идентификационных данных лица"),
    Action.LOAD_CODEBOOKS: T("анықтамалықтарды жүктеу", "загрузка справочников"),
    Action.UPGRADE_SCHEMA: T("дерекқор сұлбасын жаңарту", "обновление схемы базы данных"),
    Action.MANAGE_DB_ROLES: T("дерекқор рөлдерін баптау", "настройка ролей базы данных"),
    Action.LOAD_DEMO: T("демо-тізілімді жүктеу", "загрузка демонстрационного реестра"),
    Action.VERIFY_LOG: T("журнал тізбегін тексеру", "проверка цепочки журнала"),
    Action.SEAL_LOG: T("журналға мөр басу", "опечатывание журнала"),
}

ROLE_LABELS: dict[Role, T] = {
    Role.OPERATOR: T("оператор", "оператор"),
    Role.ADMINISTRATOR: T("әкімші", "администратор"),
    Role.AUDITOR: T("аудитор", "аудитор"),
}


class PermissionDenied(Exception):
    """The user may not do this; `message` says why in both languages."""

    def __init__(self, message: T) -> None:
        super().__init__(message.ru)
        self.message = message


def role_of(user: User) -> Role | None:
    try:
        return Role(user.role)
    except ValueError:  # a role written by hand into the table: grants nothing
        return None


def allowed(user: User | None, action: Action) -> bool:
    if user is None or not user.active:
        return False
    role = role_of(user)
    return role is not None and role in ALLOWED[action]


def require(user: User | None, action: Action) -> None:
    """Raise PermissionDenied unless `user` may perform `action`."""
    if user is None:
        raise PermissionDenied(T("Пайдаланушы анықталмаған: жүйеге кіріңіз",
                                 "Пользователь не определён: войдите в систему"))
    if not user.active:
        raise PermissionDenied(T("«{login}» есептік жазбасы бұғатталған",
                                 "Учётная запись «{login}» отключена").format(login=user.login))
    if allowed(user, action):
        return
    role = role_of(user)
    role_label = ROLE_LABELS[role] if role else T(str(user.role), str(user.role))
    what = ACTION_LABELS[action]
    raise PermissionDenied(T(
        f"«{role_label.kk}» рөліне рұқсат жоқ: {what.kk}",
        f"Роли «{role_label.ru}» не разрешено: {what.ru}"))


def role_label(role: str) -> T:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return T(role, role)
