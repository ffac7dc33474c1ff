"""v0003 and v0005: a register of a previous schema gets its match keys without losing
a row."""

from __future__ import annotations

import datetime as dt

from models import migrations
from models.db import make_database


def test_upgrade_computes_keys_of_existing_persons(empty_db_url: str) -> None:
    db = make_database(empty_db_url)
    db.connect()
    try:
        migrations.upgrade(db, target=2)
        p = db.param
        sql = ("INSERT INTO person (surname, given_name, patronymic, birth_date, sex, address, "
               "citizenship, id_document, created_at, updated_at) "
               f"VALUES ({', '.join([p] * 10)})")
        stamp = dt.datetime(2024, 1, 1)
        db.execute_sql(sql, ("Қасымов", "Нұрлан", "Серікұлы", dt.date(1985, 3, 12), "1", "",
                             "", "", stamp, stamp))
        db.execute_sql(sql, ("Иванов", "Иван", "", None, "1", "", "", "", stamp, stamp))
        db.execute_sql("INSERT INTO legal_entity (name, address, legal_form, commercial_status, "
                       f"created_at, updated_at) VALUES ({', '.join([p] * 6)})",
                       ("ТОО «Береке-2005»", "", "", "", stamp, stamp))
        assert 3 in migrations.upgrade(db)
        rows = db.execute_sql("SELECT surname, surname_key, name_key, patronymic_key, "
                              "birth_year, birth_md FROM person ORDER BY id").fetchall()
        assert [tuple(r) for r in rows] == [
            ("Қасымов", "kasim", "nurlan", "serik", 1985, 312),
            ("Иванов", "ivan", "ivan", "", None, None)]
        assert tuple(db.execute_sql("SELECT name_key, name_rkey, name_skey FROM legal_entity"
                                    ).fetchone()) == ("bereke2005", "5002ekereb", "2005 bereke")
        variants = {r[0] for r in db.execute_sql("SELECT variant FROM legal_name_variant")}
        assert {"bereke2005", "breke2005", "bereke205"} <= variants
        tables = set(db.get_tables())
        assert {"person_distinct", "legal_distinct"} <= tables
        indexes = {i.name for i in db.get_indexes("person")}
        assert {"person_surname_key_birth_year", "person_surname_key_birth_md",
                "person_name_key_birth_date_surname_key_patronymic_key",
                "person_surname_key_name_key",
                "person_birth_date_surname_key_name_key_patronymic_key",
                "person_patronymic_key_birth_date_surname_key_name_key"} <= indexes  # v18
    finally:
        db.close_all() if hasattr(db, "close_all") else db.close()


def test_migrated_matching_tables_equal_the_models(db) -> None:
    """What v0003 creates is what models.tables / models.matching.tables declare."""
    from models.matching.tables import MATCHING_TABLES
    from models.tables import LegalEntity, Person

    for model in (Person, LegalEntity, *MATCHING_TABLES):
        table = model._meta.table_name
        columns = {c.name for c in db.get_columns(table)}
        assert columns == {f.column_name for f in model._meta.sorted_fields}, table
        declared = {model._meta.table_name + "_" + "_".join(
            model._meta.fields[f].column_name if f in model._meta.fields else f
            for f in fields) for fields, _ in model._meta.indexes}
        assert declared <= {i.name for i in db.get_indexes(table)}, table
