"""The codebook files' faults (codebooks/reading.py, codebooks/loader.py: "file:row:
message", in the developers' words) in the session's language for `apcard codebooks
check` and `load`. The file and row, codes, column and book names stay as they are; a
message this table does not know is shown as it came."""

from __future__ import annotations

import re

from models.i18n import T, patterns, translated

_WHERE = re.compile(r"^(?P<where>[^\s:]+:\d+): (?P<message>.*)$", re.S)

_MESSAGES = patterns(((p + "$", t) for p, t in (
    (r"code (.+) repeats (\S+) \(book (\S+), version (\S+)\)",
     T("{0} коды {1} жолын қайталайды ({2} анықтамалығы, {3}-нұсқа)",
       "код {0} повторяет {1} (справочник {2}, версия {3})")),
    (r"parent (.+) is not in book (\S+) version (\S+)",
     T("{0} аталығы {1} анықтамалығының {2}-нұсқасында жоқ",
       "родителя {0} нет в справочнике {1} версии {2}")),
    (r"parent (.+) is not in (.+)", T("{0} аталығы {1} ішінде жоқ", "родителя {0} нет в {1}")),
    (r"file (.+) is listed twice", T("{0} файлы екі рет аталған", "файл {0} указан дважды")),
    (r"no codebook named (.+)", T("{0} деген анықтамалық жоқ", "нет справочника {0}")),
    (r"column (.+): unknown type \(one of (.+)\)",
     T("{0} бағаны: белгісіз түр (мүмкіні: {1})", "столбец {0}: неизвестный тип (допустимы: {1})")),
    (r"column (.+): bad name", T("{0} бағаны: атауы қате", "столбец {0}: неверное имя")),
    (r"column (.+) appears twice", T("{0} бағаны екі рет бар", "столбец {0} повторяется")),
    (r"(\d+) cells, the header has (\d+)",
     T("{0} ұяшық, тақырыпта {1}", "ячеек {0}, в заголовке {1}")),
    (r"(\S+): control character (.+) at position (\d+)",
     T("{0}: {2}-орында басқару таңбасы {1}", "{0}: управляющий символ {1} в позиции {2}")),
    (r"empty code", T("код бос", "пустой код")),
    (r"code (.+): letters, digits, '/', '\.', '-' only, at most (\d+)",
     T("{0} коды: тек әріптер, цифрлар, '/', '.', '-', ең көбі {1}",
       "код {0}: только буквы, цифры, '/', '.', '-', не более {1}")),
    (r"empty (\S+)", T("{0} бос", "{0} пусто")),
    (r"(\S+) has leading, trailing or repeated spaces \(or is not NFC\)",
     T("{0}: басында, соңында не қатар бос орындар бар (не NFC емес)",
       "{0}: пробелы в начале, в конце или подряд (или не NFC)")),
    (r"(\S+) (.+) is not a date \(YYYY-MM-DD\)",
     T("{0} {1} күн емес (ЖЖЖЖ-АА-КК)", "{0} {1} — не дата (ГГГГ-ММ-ДД)")),
    (r"valid_from (\S+) is after valid_to (\S+)",
     T("valid_from {0} valid_to {1} күнінен кейін", "valid_from {0} позже valid_to {1}")),
    (r"valid_from (\S+) is before its codebook's (\S+)",
     T("valid_from {0} анықтамалықтың басынан ({1}) бұрын",
       "valid_from {0} раньше начала справочника ({1})")),
    (r"valid_to (\S+) is after its codebook's (\S+)",
     T("valid_to {0} анықтамалықтың соңынан ({1}) кейін",
       "valid_to {0} позже конца справочника ({1})")),
    (r"data is not JSON-able: (.*)", T("деректер JSON-ға жазылмайды: {0}",
                                       "данные не записываются в JSON: {0}")),
    (r"(\S+): (.+) is not a whole number", T("{0}: {1} бүтін сан емес", "{0}: {1} — не целое число")),
    (r"(\S+): (.+) is not true or false",
     T("{0}: {1} true да, false да емес", "{0}: {1} — не true и не false")),
    (r"(\S+): (.+) has an empty item", T("{0}: {1} ішінде бос элемент бар",
                                         "{0}: в {1} пустой элемент")),
    (r"(\S+): bad JSON: (.*)", T("{0}: JSON қате: {1}", "{0}: неверный JSON: {1}")),
    (r"(\S+): codebook (.+) has no entries",
     T("{0}: {1} анықтамалығында жазба жоқ", "{0}: в справочнике {1} нет записей")),
    (r"(\S+): (.+) is not in codebook (\S+)",
     T("{0}: {1} {2} анықтамалығында жоқ", "{0}: {1} нет в справочнике {2}")),
    (r"(\S+): (\S+) (.+) is not valid while this row is",
     T("{0}: {1} {2} бұл жол күшінде тұрғанда күшінде емес",
       "{0}: {1} {2} не действует, пока действует эта строка")),
    (r"file not found in (.+)", T("файл {0} ішінде жоқ", "файл не найден в {0}")),
    (r"not UTF-8 \((.*)\)", T("UTF-8 емес ({0})", "не UTF-8 ({0})")),
    (r"no \[\[codebook\]\] entries", T("[[codebook]] жазбалары жоқ", "нет записей [[codebook]]")),
    (r"unknown key (.+)", T("{0} деген кілт жоқ", "неизвестный ключ {0}")),
    (r"missing key (.+)", T("{0} кілті жоқ", "нет ключа {0}")),
    (r"(\S+) must be a string", T("{0} жол болуы керек", "{0} должен быть строкой")),
    (r"(\S+) must be a TOML date \(2015-01-01\)",
     T("{0} TOML күні болуы керек (2015-01-01)", "{0} должен быть датой TOML (2015-01-01)")),
    (r"book name (.+): lower-case letters, digits, _ ?",
     T("анықтамалық атауы {0}: кіші әріптер, цифрлар, _",
       "имя справочника {0}: строчные буквы, цифры, _")),
    (r"version (.+): 1\.\.(\d+) characters",
     T("{0} нұсқасы: 1..{1} таңба", "версия {0}: 1..{1} символов")),
    (r"file (.+): a \.csv file next to (\S+)",
     T("{0} файлы: {1} жанындағы .csv файлы болуы керек",
       "файл {0}: нужен .csv-файл рядом с {1}")),
    (r"file (.+) not found", T("{0} файлы табылмады", "файл {0} не найден")),
    (r"valid_from is after valid_to", T("valid_from valid_to күнінен кейін",
                                        "valid_from позже valid_to")),
    (r"codebook (.+) of card line (\S+) has no data file",
     T("{1}-жолдың {0} анықтамалығының деректер файлы жоқ",
       "у справочника {0} строки карточки {1} нет файла данных")),
    (r"the header must be (\S+)", T("тақырып {0} болуы керек", "заголовок должен быть {0}")),
    (r"(\S+) (\S+) repeats row (\d+)",
     T("{0} {1} {2}-жолды қайталайды", "{0} {1} повторяет строку {2}")),
    (r"empty book or code", T("анықтамалық не код бос", "пустой справочник или код")),
    (r"no words", T("сөздер жоқ", "нет слов")),
    (r"words may not hold '\|' or '~' \(the search key's separators\)",
     T("сөздерде '|' не '~' болмауы керек (іздеу кілтінің бөлгіштері)",
       "в словах не может быть '|' или '~' (разделители ключа поиска)")),
    (r"words longer than (\d+) characters",
     T("сөздер {0} таңбадан ұзын", "слова длиннее {0} символов")),
    (r"(\S+) version (\S+) has no code (.+)",
     T("{0} анықтамалығының {1}-нұсқасында {2} коды жоқ",
       "в справочнике {0} версии {1} нет кода {2}")),
    (r"(\S+) has no code (.+)",
     T("{0} анықтамалығында {1} коды жоқ", "в справочнике {0} нет кода {1}")),
    (r'refs must be a table of data key = "book"',
     T('refs кестесі data_key = "book" түрінде болуы керек',
       'refs должен быть таблицей data_key = "book"')),
)), re.S)


def fault_text(fault: str) -> T:
    """One fault, "file:row: message", with its message in both languages."""
    m = _WHERE.match(fault)
    where, message = (m["where"] + ": ", m["message"]) if m else ("", fault)
    found = translated(_MESSAGES, message)
    if found is None:
        return T(fault, fault)
    text = found[0]
    return T(where + text.kk, where + text.ru)
