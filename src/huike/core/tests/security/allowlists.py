"""Reviewed exceptions for the static-analysis tests, each with the reason it is safe.

Keyed by (file, function) for composed SQL ("*": every function of a module that only builds trigger SQL) and by (file, bandit test id, a fragment of the flagged line)
for bandit. A new finding that is not listed fails the suite; whoever adds one reviews it and writes
the reason here (or, better, removes the need).
"""

_IDENTIFIERS = "interpolates only table/column names from the models or module constants; every value is a %s parameter"

COMPOSED_SQL = {
    ("src/huike/automation/builtins.py", "cadence_sweep"):
        "table names from Model._meta; the CASE has one 'WHEN %s THEN %s' per text, texts passed as parameters",
    ("src/huike/automation/builtins.py", "complaint_sweep"):
        "table names from Model._meta, fixed column expressions and two fixed WHERE fragments; titles, url and "
        "time are %s parameters",
    ("src/huike/imports/bulk.py", "insert"): _IDENTIFIERS + " (quote_name of the model's table and columns)",
    ("src/huike/imports/bulk.py", "insert_rows"): _IDENTIFIERS + " (quote_name of the table and columns)",
    ("src/huike/imports/bulk.py", "copy_rows"): _IDENTIFIERS + " (quote_name of the table and columns)",
    ("src/huike/imports/customer_rows.py", "_existing_sql"):
        "the customer table from Model._meta, the key columns (KEYS constant) and bulk.among()'s fixed fragment, "
        "whose one %s takes the batch's values",
    ("src/huike/imports/customer_rows.py", "_ids_by_code"):
        "the customer table from Model._meta and bulk.among()'s fixed fragment; the codes are one %s parameter",
    ("src/huike/reports/facts.py", "rebuild_rows"): "DELETE/INSERT over the facts table constant",
    ("src/huike/reports/facts.py", "insert_sql"):
        "fixed column lists and the facts table constant; `among` is paused.catch_up's fixed fragment whose one "
        "%s takes the new customers' ids",
    ("src/huike/reports/rollup.py", "_delta"):
        "trigger SQL: metric expressions over fixed columns of row alias NEW/OLD, sign '+'/'-'",
    ("src/huike/reports/rollup.py", "_postgres"): "CREATE FUNCTION/TRIGGER text from the fixed pieces above",
    ("src/huike/reports/rollup.py", "_sqlite"): "CREATE TRIGGER text from the fixed pieces above",
    ("src/huike/reports/rollup.py", "rebuild"): "fixed metric expressions over the rollup/facts table constants",
    ("src/huike/reports/rollup.py", "edge_sums"):
        "fixed metric expressions around the ORM's own SQL (sql_with_params), its params passed through",
    ("src/huike/reports/due.py", "*"):
        "trigger and rebuild SQL for the due-count table: constants, row aliases NEW/OLD, fixed column names",
    ("src/huike/notifications/services.py", "notify_insert_select"):
        "wraps a caller's SELECT (complaint_sweep: constants only) in INSERT … SELECT; values are parameters",
    ("src/huike/reports/stages.py", "_delta"): "trigger SQL from constants ('NEW'/'OLD', '+'/'-')",
    ("src/huike/reports/stages.py", "<module>"): "trigger SQL built once at import from constants",
    ("src/huike/backups/load.py", "_plan"): _IDENTIFIERS + " (restore: quote_name on the backed-up models)",
    ("src/huike/backups/dump.py", "read_plan"): _IDENTIFIERS + " and fixed per-type casts (backup: quote_name on the "
                                                "backed-up models' columns)",
    ("src/huike/backups/dump.py", "snapshot"): "PRAGMA mmap_size with int() of the value read back from SQLite",
    ("src/huike/backups/load.py", "_take_off_sqlite"):
        "DROP INDEX quote_name(index name read from sqlite_master); one %s placeholder per table name",
    ("src/huike/backups/load.py", "_take_off_postgres"):
        "DROP INDEX / ALTER TABLE DROP CONSTRAINT with quote_name on names read from the catalogue",
    ("src/huike/backups/load.py", "wipe"): "DELETE FROM quote_name(model table) for the app's own models only",
    ("src/huike/classification/features_sql.py", "_fen_sum"): "a bucket's condition built by _order_sql from constants",
    ("src/huike/classification/features_sql.py", "_order_sql"):
        "columns are code constants; `where` is one of two fixed fragments using the %(cid)s parameter",
    ("src/huike/automation/services.py", "reminders_create_rows"):
        _IDENTIFIERS + " (REMINDER_COLUMNS, Reminder's table, the stage table); the status is a bound parameter",
    ("src/huike/automation/services.py", "reminders_stage"): _IDENTIFIERS + " (REMINDER_COLUMNS, the stage table)",
    ("src/huike/automation/services.py", "reminders_from_stage"): _IDENTIFIERS + " (the stage table)",
    ("src/huike/automation/services.py", "reminders_from_stage_sql"):
        _IDENTIFIERS + " (REMINDER_COLUMNS, Reminder's table, the stage table); the status is a bound parameter",
    ("src/huike/classification/writer.py", "apply"): _IDENTIFIERS + " (the REMINDER_STAGE table)",
    ("src/huike/classification/features_sql.py", "_frames"):
        "COPY (sql) TO STDOUT around the module's own feature statements; their values are bound parameters",
    ("src/huike/classification/features_sql.py", "_stored_codes"):
        "a column name from STORED_CODES' constant keys; one %s placeholder per customer id",
    ("src/huike/classification/features_sql.py", "load"):
        "day-number expressions over fixed column names; filters are fixed fragments with %(name)s parameters",
    ("src/huike/classification/writer.py", "_create"):
        _IDENTIFIERS + " (CODE_COLUMNS, the CODES_STAGE table)",
    ("src/huike/classification/writer.py", "customers"):
        _IDENTIFIERS + " (CODE_COLUMNS, the CODES_STAGE table, Result's table); the chunk's bounds are int() of "
        "its customer ids; the restated ids are one bound parameter of core.sql.ids_among, a fixed fragment",
    ("src/huike/classification/writer.py", "facts_synced"): _IDENTIFIERS + " (the CODES_STAGE table)",
    ("src/huike/reports/facts.py", "mirror_paused"):
        "fixed column lists and table constants; `ids_sql` is the caller's constant SELECT of staged ids",

    ("src/huike/classification/writer.py", "send"):
        _IDENTIFIERS + " (the CODES_STAGE and reminder stage tables with CODE_COLUMNS or REMINDER_COLUMNS)",
    ("src/huike/classification/writer.py", "send_columns"):
        _IDENTIFIERS + " (Result's and the history's tables with RESULT_COLUMNS or HISTORY_COLUMNS); the values go "
        "as binary COPY data or bound parameters",
    ("src/huike/core/api_testing.py", "db_fingerprint"): "test helper: quote_name of each model's table",
    ("src/huike/demo/bulk.py", "write"): _IDENTIFIERS + " (demo data loader, quote_name)",
    ("src/huike/reports/facts.py", "recompute_sql"):
        "trigger/rebuild SQL: fixed column lists; `customer` is a code constant like 'NEW.customer_id'",
    ("src/huike/reports/facts.py", "upsert_sql"): "composes recompute_sql with fixed column names",
    ("src/huike/reports/facts.py", "mirror_sql"): "trigger SQL over fixed column lists",
    ("src/huike/reports/facts.py", "_postgres"): "CREATE FUNCTION/TRIGGER text from the fixed pieces above",
    ("src/huike/reports/facts.py", "_sqlite"): "CREATE TRIGGER text from the fixed pieces above",
    ("src/huike/reports/facts.py", "rebuild"): "DELETE FROM the facts table constant",
    ("src/huike/reports/selectors/activity.py", "followup_efficiency"):
        "wraps the ORM's own SQL (sql_with_params) and passes its params through; scope stays the ORM's",
    ("src/huike/reports/_sql.py", "running"): "a trigger WHEN condition from the setting/table constants",
    ("src/huike/reports/paused.py", "fts_trigger"): "CREATE TRIGGER text from constants and running()",
    ("src/huike/reports/paused.py", "catch_up"):
        "fixed statements over table constants; `among` is a fixed fragment whose %s takes the ids (one parameter)",
    ("src/huike/reports/rollup.py", "catch_up_sql"):
        "fixed metric expressions over the rollup/facts table constants; `among` is catch_up's fixed fragment",
    ("src/huike/reports/rollup.py", "moved_sql"):
        "fixed metric expressions over the rollup/facts table constants; the columns are mirror_paused's constant "
        "tuple, `moved` its condition over them and its caller's constant SELECT of staged ids",
    ("src/huike/reports/stages.py", "catch_up_sql"): "constants; `among` is catch_up's fixed fragment (its %s takes the ids)",
    ("src/huike/reports/summary.py", "<module>"): "trigger SQL built once at import from constants",
    ("src/huike/reports/summary.py", "_order_delta"): "trigger SQL from constants ('NEW'/'OLD', '+'/'-')",
    ("src/huike/reports/summary.py", "_customer_delta"): "trigger SQL from constants ('NEW'/'OLD', '+'/'-')",
}

BANDIT = {
    ("src/huike/backups/load.py", "B608", "DELETE FROM"): COMPOSED_SQL[("src/huike/backups/load.py", "wipe")],
    ("src/huike/backups/load.py", "B608", "tbl_name IN"): "one %s placeholder per table name; the names are bound",
    ("src/huike/classification/writer.py", "B608", "STAGE"): _IDENTIFIERS,
    ("src/huike/automation/services.py", "B608", "REMINDER_STAGE"):
        COMPOSED_SQL[("src/huike/automation/services.py", "reminders_from_stage")],
    ("src/huike/automation/services.py", "B608", "Reminder._meta.db_table"):
        COMPOSED_SQL[("src/huike/automation/services.py", "reminders_from_stage")],
    ("src/huike/classification/features_sql.py", "B608", "SELECT id, {name} FROM customers_customer"):
        COMPOSED_SQL[("src/huike/classification/features_sql.py", "_stored_codes")],
    ("src/huike/classification/writer.py", "B608", "RESULT_COLUMNS"): _IDENTIFIERS,
    ("src/huike/classification/writer.py", "B608", "INSERT INTO {table} ({names})"):
        COMPOSED_SQL[("src/huike/classification/writer.py", "send")],
    ("src/huike/classification/writer.py", "B608", "HISTORY_COLUMNS"): _IDENTIFIERS,
    ("src/huike/classification/writer.py", "B608", "WHERE customer_id {ids_among(connection.vendor)}"):
        COMPOSED_SQL[("src/huike/classification/writer.py", "customers")],
    ("src/huike/classification/writer.py", "B608", "BATCH"): _IDENTIFIERS,
    ("src/huike/reports/facts.py", "B608", "among"): COMPOSED_SQL[("src/huike/reports/facts.py", "mirror_paused")],
    ("src/huike/reports/facts.py", "B608", "AND {moved}"):
        COMPOSED_SQL[("src/huike/reports/facts.py", "mirror_paused")],
    ("src/huike/imports/customer_rows.py", "B608", "WHERE code {bulk.among()}"):
        COMPOSED_SQL[("src/huike/imports/customer_rows.py", "_ids_by_code")],
    ("src/huike/imports/bulk.py", "B608", "INSERT INTO {head}"): COMPOSED_SQL[("src/huike/imports/bulk.py", "insert_rows")],
    ("src/huike/core/api_testing.py", "B608", "quote_name"): "test helper: quote_name of each model's table",
    ("src/huike/customers/web/rows.py", "B703", "mark_safe"):
        "the list rows are built in Python for speed; every database value goes through escape() first "
        "(the XSS canary browser test opens this list)",
    ("src/huike/customers/web/rows.py", "B308", "mark_safe"): "as B703 above",
    ("src/huike/reports/rollup.py", "B608", "SUM("): "fixed metric expressions around the ORM's own SQL; params passed",
    ("src/huike/notifications/providers.py", "B310", "urlopen"):
        "the webhook URL is the operator's HUIKE_MESSAGE_WEBHOOK_URL setting, not user input",
}
