"""PostgreSQL roles and grants: the trust boundary inside the database.

The attacker named here is an operator with a shell and `psql`: whatever the
application does not let them do, the database does not either.

    apcard_owner          NOLOGIN: owns the schema, every table and function; nobody
                          signs in as it (migrations run as the superuser, SET ROLE)
    apcard_operator       group: reads; registers cards, persons, legal entities;
                          dispatches; keys documents (line 13, lines 19/19.1)
    apcard_administrator  group: also corrects, removes, returns, executes, manages users
                          and codebooks
    apcard_auditor        group: reads everything, the log included; writes nothing
    <login roles>         one per person, named as the OS account (peer authentication),
                          a member of exactly one group (`apcard user add ... --os-account`)

No group may UPDATE, DELETE or TRUNCATE the log, delete a card, person, legal entity or
user, alter or drop a table, disable a trigger, create tables or temporary tables. The
log is written by SECURITY DEFINER trigger functions owned by apcard_owner; the card's
triggers refuse a change without a reason and, for a non-administrator, any status but
dispatch. `apply(db)` is idempotent (`apcard db roles`, and after every upgrade).
"""

from __future__ import annotations

import re

import peewee as pw

from models.exchange.pacing import AT_WORK

OWNER = "apcard_owner"
GROUPS = {"operator": "apcard_operator", "administrator": "apcard_administrator",
          "auditor": "apcard_auditor"}
OP, ADMIN, AUDIT = GROUPS["operator"], GROUPS["administrator"], GROUPS["auditor"]
ALL = (OP, ADMIN, AUDIT)

# Card columns an operator writes: dispatch, and the lines documents bring.
OPERATOR_CARD_COLUMNS = ("status", "dispatched_at", "version", "fine_collected",
                         "protest_date", "protest_result")

# table -> group -> privileges beyond SELECT (which every group has on every table).
GRANTS: dict[str, dict[str, str]] = {
    "card": {OP: "INSERT, UPDATE (" + ", ".join(OPERATOR_CARD_COLUMNS) + ")",
             ADMIN: "INSERT, UPDATE"},
    # DELETE: a destruction (§14) takes a person left without cards, logged as such.
    "person": {OP: "INSERT", ADMIN: "INSERT, UPDATE, DELETE"},
    "legal_entity": {OP: "INSERT", ADMIN: "INSERT, UPDATE, DELETE"},
    "person_history": {ADMIN: "INSERT, DELETE"},
    "user": {OP: "UPDATE (password_hash)", AUDIT: "UPDATE (password_hash)",
             ADMIN: "INSERT, UPDATE"},
    "sign_in": {OP: "INSERT, UPDATE, DELETE", ADMIN: "INSERT, UPDATE, DELETE",
                AUDIT: "INSERT, UPDATE, DELETE"},
    "draft": {OP: "INSERT, UPDATE, DELETE", ADMIN: "INSERT, UPDATE, DELETE",
              AUDIT: "INSERT, UPDATE, DELETE"},
    "codebook_entry": {ADMIN: "INSERT, UPDATE, DELETE"},
    "person_distinct": {OP: "INSERT", ADMIN: "INSERT"},
    "legal_distinct": {OP: "INSERT", ADMIN: "INSERT"},
    "correction": {},
    "schema_version": {},
    "seal": {},
}
# Tables not named above (the register's documents): kept by operators and administrators.
OTHER = {OP: "INSERT, UPDATE", ADMIN: "INSERT, UPDATE, DELETE"}
# Tables no group may even read, with the column whose sequence goes with them: the log's
# rows waiting for their transaction's commit (migration v0011), the owner's alone.
PRIVATE = {"correction_pending": "seq"}
# Functions a login role calls itself (the triggers' own functions run as the owner).
EXECUTE = {"apcard_note": (OP, ADMIN), "apcard_grant_login": (ADMIN,),
           "apcard_seal": ALL, "apcard_journal_claim": (OP, ADMIN),
           "apcard_sessions_at_work": (OP, ADMIN)}

_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,63}$")

GRANT_LOGIN = """CREATE OR REPLACE FUNCTION apcard_grant_login(p_role text, p_group text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE r record;
BEGIN
  IF p_group IS NOT NULL AND p_group NOT IN ('apcard_operator', 'apcard_administrator',
      'apcard_auditor') THEN
    RAISE EXCEPTION USING MESSAGE = 'apcard: not an apcard group: ' || p_group;
  END IF;
  IF p_role !~ '^[A-Za-z0-9._@-]{1,63}$' OR p_role LIKE 'apcard\\_%' OR p_role LIKE 'pg\\_%' THEN
    RAISE EXCEPTION USING MESSAGE = 'apcard: not a login name for a person: ' || p_role;
  END IF;
  SELECT * INTO r FROM pg_roles WHERE rolname = p_role;
  IF FOUND AND (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication
      OR r.rolbypassrls OR EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g
        ON g.oid = m.roleid WHERE m.member = r.oid AND g.rolname NOT IN
        ('apcard_operator', 'apcard_administrator', 'apcard_auditor'))) THEN
    RAISE EXCEPTION USING MESSAGE = 'apcard: role ' || p_role || ' has other rights: '
      || 'the database administrator maps it by hand';
  END IF;
  IF NOT FOUND THEN
    IF p_group IS NULL THEN RETURN; END IF;
    EXECUTE format('CREATE ROLE %I LOGIN', p_role);
  END IF;
  EXECUTE format('REVOKE apcard_operator, apcard_administrator, apcard_auditor FROM %I',
                 p_role);
  IF p_group IS NOT NULL THEN
    EXECUTE format('GRANT %I TO %I', p_group, p_role);
  END IF;
END $$"""


# How many other sessions of this database are at work: an import (run by an operator or
# an administrator) gives way to them (models/exchange/pacing.py). A login role sees only
# its own sessions' state in pg_stat_activity; the owner may read every session's
# (pg_read_all_stats), and this function, its only use of that right, tells a count.
SESSIONS_AT_WORK = ("CREATE OR REPLACE FUNCTION apcard_sessions_at_work() RETURNS integer "
                    "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, "
                    "pg_temp AS $$ " + AT_WORK + " $$")


def _one(db: pw.Database, sql: str, params: tuple = ()) -> object:
    row = db.execute_sql(sql, params).fetchone()
    return row[0] if row else None


def groups_exist(db: pw.Database) -> bool:
    return bool(_one(db, "SELECT count(*) = 3 FROM pg_roles WHERE rolname IN %s", (ALL,)))


def is_superuser(db: pw.Database) -> bool:
    return bool(_one(db, "SELECT rolsuper FROM pg_roles WHERE rolname = session_user"))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def apply(db: pw.Database) -> list[str]:
    """Create the roles (if missing), hand the schema to apcard_owner and grant each
    group its rights. Run as a superuser; idempotent. Returns the logins mapped."""
    dbname = str(_one(db, "SELECT current_database()"))
    for role, extra in ((OWNER, " CREATEROLE"), (OP, ""), (ADMIN, ""), (AUDIT, "")):
        if not _one(db, "SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)):
            db.execute_sql(f"CREATE ROLE {role} NOLOGIN{extra}")
    db.execute_sql(f"GRANT {', '.join(ALL)} TO {OWNER} WITH ADMIN OPTION")
    db.execute_sql(f"ALTER DATABASE {_q(dbname)} OWNER TO {OWNER}")
    db.execute_sql(f"REVOKE ALL ON DATABASE {_q(dbname)} FROM PUBLIC")
    db.execute_sql(f"GRANT CONNECT ON DATABASE {_q(dbname)} TO {', '.join(ALL)}")
    db.execute_sql(f"ALTER SCHEMA public OWNER TO {OWNER}")
    db.execute_sql("REVOKE ALL ON SCHEMA public FROM PUBLIC")
    db.execute_sql(f"GRANT USAGE ON SCHEMA public TO {', '.join(ALL)}")
    db.execute_sql(GRANT_LOGIN.replace("%", "%%"))  # the driver formats even without params
    db.execute_sql(f"GRANT pg_read_all_stats TO {OWNER}")
    db.execute_sql(SESSIONS_AT_WORK)
    _own_everything(db)
    grant(db)
    return _map_users(db)


def _own_everything(db: pw.Database) -> None:
    for kind, sql in (
        ("TABLE", "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"),
        ("SEQUENCE", "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"),
        ("VIEW", "SELECT viewname FROM pg_views WHERE schemaname = 'public'"),
    ):
        for (name,) in db.execute_sql(sql).fetchall():
            db.execute_sql(f"ALTER {kind} {_q(name)} OWNER TO {OWNER}")
    for (sig,) in db.execute_sql(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = 'public'").fetchall():
        db.execute_sql(f"ALTER FUNCTION {sig} OWNER TO {OWNER}")


def grant(db: pw.Database) -> None:
    """Each group's rights on every table, sequence and function of the schema (run
    again after an upgrade: new tables get their grants)."""
    groups = ", ".join(ALL)
    db.execute_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {groups}")
    db.execute_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {groups}")
    db.execute_sql(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, {groups}")
    db.execute_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {groups}")
    db.execute_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {groups}")
    tables = [r[0] for r in db.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
    for table in tables:
        if table in PRIVATE:
            db.execute_sql(f"REVOKE ALL ON {_q(table)} FROM {groups}")
            seq = _one(db, "SELECT pg_get_serial_sequence(%s, %s)", (table, PRIVATE[table]))
            if seq:
                db.execute_sql(f"REVOKE ALL ON SEQUENCE {seq} FROM {groups}")
            continue
        for group, privileges in GRANTS.get(table, OTHER).items():
            db.execute_sql(f"GRANT {privileges} ON {_q(table)} TO {group}")
    for fn, to in EXECUTE.items():
        for (sig,) in db.execute_sql(
                "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
                "ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.proname = %s",
                (fn,)).fetchall():
            db.execute_sql(f"GRANT EXECUTE ON FUNCTION {sig} TO {', '.join(to)}")


def _map_users(db: pw.Database) -> list[str]:
    done = []
    for account, role, active in db.execute_sql(
            'SELECT os_account, role, active FROM "user" WHERE os_account IS NOT NULL '
            "ORDER BY os_account").fetchall():
        if _NAME.match(account) and role in GROUPS:
            sync_login(db, account, role if active else None)
            done.append(account)
    return done


def sync_login(db: pw.Database, account: str, role: str | None) -> None:
    """The OS account's login role in its group (None: in no group: it signs in to
    nothing). Nothing happens before `apcard db roles` (no groups yet)."""
    if not groups_exist(db) or not _one(db, "SELECT to_regproc('apcard_grant_login') "
                                            "IS NOT NULL"):
        return  # roles exist on the server, but this database was not given them yet
    db.execute_sql("SELECT apcard_grant_login(%s, %s)", (account, GROUPS.get(role or "")))


def hba_lines(db: pw.Database) -> str:
    """The pg_hba.conf lines to add (before any broader `local` line)."""
    dbname = str(_one(db, "SELECT current_database()"))
    return (f"# apcard: every OS account signs in as its own role over the Unix socket\n"
            f"local   {dbname}   +{OP},+{ADMIN},+{AUDIT}   peer\n"
            f"# the database superuser runs `apcard db upgrade` and `apcard db roles`\n"
            f"local   {dbname}   postgres   peer\n")


def owner_role(db: pw.Database) -> bool:
    """Take the owner's role for schema changes (SET ROLE), when this database was given
    to it (`apcard db roles`) and this session may; False otherwise."""
    if _one(db, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'") \
            != OWNER:
        return False
    if not _one(db, "SELECT pg_has_role(session_user, %s, 'MEMBER')", (OWNER,)):
        return False
    db.execute_sql(f"SET ROLE {OWNER}")
    return True
