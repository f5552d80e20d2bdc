import Foundation
import SQLKit

/// One versioned schema change; statements are plain SQL accepted by both SQLite and PostgreSQL.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: [String]
}

/// The schema's history. Append new migrations; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "standard data model", statements: [
            """
            CREATE TABLE enterprises (
              uscc TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL, zone TEXT,
              industry TEXT NOT NULL, employees BIGINT NOT NULL, revenue DOUBLE PRECISION NOT NULL,
              size_class TEXT NOT NULL, above_scale INTEGER NOT NULL, chain_links TEXT NOT NULL,
              founded INTEGER, updated_at TEXT NOT NULL)
            """,
            "CREATE INDEX enterprises_region ON enterprises (region)",
            "CREATE INDEX enterprises_zone ON enterprises (zone)",
            "CREATE INDEX enterprises_industry ON enterprises (industry)",
            "CREATE TABLE enterprise_links (uscc TEXT NOT NULL, chain TEXT NOT NULL, link TEXT NOT NULL, PRIMARY KEY (uscc, link))",
            "CREATE INDEX enterprise_links_chain ON enterprise_links (chain)",
            "CREATE INDEX enterprise_links_link ON enterprise_links (link)",
            """
            CREATE TABLE indicators (
              uscc TEXT NOT NULL, month TEXT NOT NULL,
              output_value DOUBLE PRECISION, revenue DOUBLE PRECISION, profit DOUBLE PRECISION,
              electricity DOUBLE PRECISION, tax DOUBLE PRECISION, employees DOUBLE PRECISION,
              export_value DOUBLE PRECISION, rd_expense DOUBLE PRECISION, receivables DOUBLE PRECISION,
              inventory DOUBLE PRECISION,
              PRIMARY KEY (uscc, month)){WITHOUT_ROWID}
            """,
            """
            CREATE TABLE supply_links (
              supplier TEXT NOT NULL, supplier_name TEXT NOT NULL, supplier_region TEXT NOT NULL,
              customer TEXT NOT NULL, product TEXT NOT NULL, chain TEXT, link TEXT,
              annual_value DOUBLE PRECISION NOT NULL, PRIMARY KEY (supplier, customer, product))
            """,
            "CREATE INDEX supply_links_customer ON supply_links (customer)",
            """
            CREATE TABLE talent (
              city TEXT NOT NULL, occupation TEXT NOT NULL, chain TEXT, period TEXT NOT NULL,
              supply BIGINT NOT NULL, demand BIGINT NOT NULL, median_salary DOUBLE PRECISION,
              PRIMARY KEY (city, occupation, period))
            """,
            """
            CREATE TABLE users (
              username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL, scope TEXT,
              created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE import_batches (
              batch_key TEXT PRIMARY KEY, kind TEXT NOT NULL, file_name TEXT NOT NULL, rows_total BIGINT NOT NULL,
              rows_accepted BIGINT NOT NULL, rows_rejected BIGINT NOT NULL, rows_changed BIGINT NOT NULL,
              actor TEXT NOT NULL, imported_at TEXT NOT NULL)
            """,
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ]),
        Migration(version: 2, name: "risk warnings", statements: [
            """
            CREATE TABLE warnings (
              id TEXT PRIMARY KEY, kind TEXT NOT NULL, level TEXT NOT NULL, subject_type TEXT NOT NULL, subject TEXT NOT NULL,
              subject_name TEXT NOT NULL, region TEXT, zone TEXT, chain TEXT, period TEXT NOT NULL, rule TEXT NOT NULL,
              inputs TEXT NOT NULL, threshold TEXT NOT NULL, explanation TEXT NOT NULL, state TEXT NOT NULL,
              created_at TEXT NOT NULL, updated_at TEXT NOT NULL, acknowledged_by TEXT, acknowledged_at TEXT,
              resolved_by TEXT, resolved_at TEXT, note TEXT)
            """,
            "CREATE INDEX warnings_period ON warnings (period)",
            "CREATE INDEX warnings_subject ON warnings (subject)",
            "CREATE INDEX warnings_region ON warnings (region)",
        ]),
        Migration(version: 3, name: "talent attributes", statements: [
            "ALTER TABLE talent ADD COLUMN occupation_group TEXT",
            "ALTER TABLE talent ADD COLUMN skill_level TEXT",
            "ALTER TABLE talent ADD COLUMN education TEXT",
            "ALTER TABLE talent ADD COLUMN experience_years DOUBLE PRECISION",
        ]),
        Migration(version: 4, name: "policies", statements: [
            "CREATE TABLE enterprise_qualifications (uscc TEXT NOT NULL, qualification TEXT NOT NULL, since INTEGER, PRIMARY KEY (uscc, qualification))",
            "CREATE TABLE enterprise_investments (uscc TEXT NOT NULL, year INTEGER NOT NULL, kind TEXT NOT NULL, amount DOUBLE PRECISION NOT NULL, PRIMARY KEY (uscc, year, kind))",
            """
            CREATE TABLE policies (
              id TEXT PRIMARY KEY, name TEXT NOT NULL, issuer TEXT NOT NULL, category TEXT NOT NULL, summary TEXT NOT NULL,
              rule TEXT NOT NULL, formula TEXT NOT NULL, auto_grant INTEGER NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT NOT NULL,
              created_by TEXT NOT NULL, created_at TEXT NOT NULL)
            """,
            """
            CREATE TABLE policy_awards (
              id TEXT PRIMARY KEY, policy_id TEXT NOT NULL, uscc TEXT NOT NULL, route TEXT NOT NULL, state TEXT NOT NULL,
              amount DOUBLE PRECISION, basis TEXT NOT NULL, history TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
            """,
            "CREATE INDEX policy_awards_policy ON policy_awards (policy_id)",
            "CREATE INDEX policy_awards_uscc ON policy_awards (uscc)",
        ]),
        Migration(version: 5, name: "enterprise and B2B services", statements: [
            "CREATE TABLE service_providers (id TEXT PRIMARY KEY, kind TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE TABLE service_solutions (id TEXT PRIMARY KEY, provider_id TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE TABLE diagnoses (id TEXT PRIMARY KEY, uscc TEXT NOT NULL, submitted_at TEXT NOT NULL, total DOUBLE PRECISION NOT NULL, level INTEGER NOT NULL, doc TEXT NOT NULL)",
            "CREATE INDEX diagnoses_uscc ON diagnoses (uscc)",
            "CREATE TABLE referrals (id TEXT PRIMARY KEY, uscc TEXT NOT NULL, solution_id TEXT NOT NULL, state TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE INDEX referrals_uscc ON referrals (uscc)",
            "CREATE TABLE market_listings (id TEXT PRIMARY KEY, uscc TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE INDEX market_listings_uscc ON market_listings (uscc)",
            "CREATE TABLE demo_projects (id TEXT PRIMARY KEY, uscc TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE TABLE investment_targets (code TEXT PRIMARY KEY, link TEXT NOT NULL, doc TEXT NOT NULL)",
        ]),
        Migration(version: 6, name: "audit ledger", statements: [
            """
            CREATE TABLE audit_ledger (
              seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
              source TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL, content_hash TEXT NOT NULL,
              prev_hash TEXT NOT NULL, entry_hash TEXT NOT NULL)
            """,
            "CREATE INDEX audit_ledger_actor ON audit_ledger (actor)",
            "CREATE INDEX audit_ledger_target ON audit_ledger (target)",
            """
            CREATE TABLE audit_checkpoints (
              id INTEGER PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, root TEXT NOT NULL,
              prev_hash TEXT NOT NULL, checkpoint_hash TEXT NOT NULL, at TEXT NOT NULL)
            """,
        ]),
        Migration(version: 7, name: "identity: lockout, password history, second factor, sessions", statements: [
            "ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE users ADD COLUMN locked_until TEXT",
            "ALTER TABLE users ADD COLUMN mfa_secret TEXT",
            "ALTER TABLE users ADD COLUMN mfa_enabled INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE users ADD COLUMN mfa_last_step INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE users ADD COLUMN password_changed_at TEXT",
            "CREATE TABLE password_history (username TEXT NOT NULL, password_hash TEXT NOT NULL, changed_at TEXT NOT NULL)",
            "CREATE INDEX password_history_user ON password_history (username)",
            "CREATE TABLE recovery_codes (username TEXT NOT NULL, code_hash TEXT NOT NULL, used_at TEXT, PRIMARY KEY (username, code_hash))",
            """
            CREATE TABLE sessions (
              jti TEXT PRIMARY KEY, username TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
              revoked_at TEXT, revoked_by TEXT, source TEXT NOT NULL, agent TEXT NOT NULL, factors TEXT NOT NULL)
            """,
            "CREATE INDEX sessions_user ON sessions (username)",
        ]),
        Migration(version: 8, name: "enterprise data grants", statements: [
            "CREATE TABLE data_grants (id TEXT PRIMARY KEY, owner TEXT NOT NULL, grantee TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE INDEX data_grants_owner ON data_grants (owner)",
            "CREATE INDEX data_grants_grantee ON data_grants (grantee)",
            """
            CREATE TABLE data_access_log (
              id TEXT PRIMARY KEY, owner TEXT NOT NULL, reader TEXT NOT NULL, dataset TEXT NOT NULL, target TEXT NOT NULL,
              grant_id TEXT, outcome TEXT NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL)
            """,
            "CREATE INDEX data_access_log_owner ON data_access_log (owner, at)",
        ]),
        Migration(version: 9, name: "security events", statements: [
            "CREATE TABLE security_events (id TEXT PRIMARY KEY, at TEXT NOT NULL, level TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE INDEX security_events_at ON security_events (at)",
        ]),
        Migration(version: 10, name: "announcements", statements: [
            "CREATE TABLE announcements (id TEXT PRIMARY KEY, publish_at TEXT, state TEXT NOT NULL, doc TEXT NOT NULL)",
        ]),
        Migration(version: 11, name: "indicator values by source and their correction history", statements: [
            """
            CREATE TABLE indicator_values (uscc TEXT NOT NULL, month TEXT NOT NULL, indicator TEXT NOT NULL, source TEXT NOT NULL,
              value DOUBLE PRECISION, batch TEXT NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (uscc, month, indicator, source)){WITHOUT_ROWID}
            """,
            "CREATE INDEX indicator_values_batch ON indicator_values (batch)",
            "CREATE INDEX indicator_values_month ON indicator_values (month)",
            """
            CREATE TABLE indicator_changes (uscc TEXT NOT NULL, month TEXT NOT NULL, indicator TEXT NOT NULL, source TEXT NOT NULL,
              old_value DOUBLE PRECISION, new_value DOUBLE PRECISION, batch TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL)
            """,
            "CREATE INDEX indicator_changes_firm ON indicator_changes (uscc, month)",
            "CREATE INDEX indicator_changes_batch ON indicator_changes (batch)",
        ]),
        Migration(version: 12, name: "policy withdrawal", statements: [
            "ALTER TABLE policies ADD COLUMN withdrawn_at TEXT",
            "ALTER TABLE policies ADD COLUMN withdrawn_by TEXT",
        ]),
        Migration(version: 13, name: "qualification validity", statements: [
            "ALTER TABLE enterprise_qualifications ADD COLUMN valid_until TEXT",
        ]),
        Migration(version: 14, name: "source values one row per source, the correction log one row per delivery", statements: [
            // One row per firm, month and source (mask bit i: the source holds indicator i; a set bit with NULL is a clear),
            // so a million-row delivery writes a million rows, not ten million.
            """
            CREATE TABLE source_values (uscc TEXT NOT NULL, month TEXT NOT NULL, source TEXT NOT NULL, mask INTEGER NOT NULL,
              output_value DOUBLE PRECISION, revenue DOUBLE PRECISION, profit DOUBLE PRECISION, electricity DOUBLE PRECISION, tax DOUBLE PRECISION, employees DOUBLE PRECISION, export_value DOUBLE PRECISION, rd_expense DOUBLE PRECISION, receivables DOUBLE PRECISION, inventory DOUBLE PRECISION, PRIMARY KEY (uscc, month, source)){WITHOUT_ROWID}
            """,
            "CREATE INDEX source_values_month ON source_values (month)",
            // One row per source, firm-month and batch that changed something: mask = the changed indicators, their new values
            // and the values they replaced.
            """
            CREATE TABLE indicator_log (batch TEXT NOT NULL, uscc TEXT NOT NULL, month TEXT NOT NULL, source TEXT NOT NULL, mask INTEGER NOT NULL,
              actor TEXT NOT NULL, at TEXT NOT NULL, output_value DOUBLE PRECISION, revenue DOUBLE PRECISION, profit DOUBLE PRECISION, electricity DOUBLE PRECISION, tax DOUBLE PRECISION, employees DOUBLE PRECISION, export_value DOUBLE PRECISION, rd_expense DOUBLE PRECISION, receivables DOUBLE PRECISION, inventory DOUBLE PRECISION, was_output_value DOUBLE PRECISION, was_revenue DOUBLE PRECISION, was_profit DOUBLE PRECISION, was_electricity DOUBLE PRECISION, was_tax DOUBLE PRECISION, was_employees DOUBLE PRECISION, was_export_value DOUBLE PRECISION, was_rd_expense DOUBLE PRECISION, was_receivables DOUBLE PRECISION, was_inventory DOUBLE PRECISION)
            """,
            "CREATE INDEX indicator_log_firm ON indicator_log (uscc, month)",
            "CREATE INDEX indicator_log_batch ON indicator_log (batch)",
            """
            INSERT INTO source_values (uscc, month, source, mask, output_value, revenue, profit, electricity, tax, employees, export_value, rd_expense, receivables, inventory)
            SELECT uscc, month, source, SUM(CASE indicator WHEN 'output_value' THEN 1 WHEN 'revenue' THEN 2 WHEN 'profit' THEN 4 WHEN 'electricity' THEN 8 WHEN 'tax' THEN 16 WHEN 'employees' THEN 32 WHEN 'export_value' THEN 64 WHEN 'rd_expense' THEN 128 WHEN 'receivables' THEN 256 WHEN 'inventory' THEN 512 ELSE 0 END), MAX(CASE WHEN indicator = 'output_value' THEN value END), MAX(CASE WHEN indicator = 'revenue' THEN value END), MAX(CASE WHEN indicator = 'profit' THEN value END), MAX(CASE WHEN indicator = 'electricity' THEN value END), MAX(CASE WHEN indicator = 'tax' THEN value END), MAX(CASE WHEN indicator = 'employees' THEN value END), MAX(CASE WHEN indicator = 'export_value' THEN value END), MAX(CASE WHEN indicator = 'rd_expense' THEN value END), MAX(CASE WHEN indicator = 'receivables' THEN value END), MAX(CASE WHEN indicator = 'inventory' THEN value END)
            FROM indicator_values GROUP BY uscc, month, source
            """,
            """
            INSERT INTO indicator_log (batch, uscc, month, source, mask, actor, at, output_value, revenue, profit, electricity, tax, employees, export_value, rd_expense, receivables, inventory, was_output_value, was_revenue, was_profit, was_electricity, was_tax, was_employees, was_export_value, was_rd_expense, was_receivables, was_inventory)
            SELECT batch, uscc, month, source, CASE indicator WHEN 'output_value' THEN 1 WHEN 'revenue' THEN 2 WHEN 'profit' THEN 4 WHEN 'electricity' THEN 8 WHEN 'tax' THEN 16 WHEN 'employees' THEN 32 WHEN 'export_value' THEN 64 WHEN 'rd_expense' THEN 128 WHEN 'receivables' THEN 256 WHEN 'inventory' THEN 512 ELSE 0 END, actor, at, CASE WHEN indicator = 'output_value' THEN new_value END, CASE WHEN indicator = 'revenue' THEN new_value END, CASE WHEN indicator = 'profit' THEN new_value END, CASE WHEN indicator = 'electricity' THEN new_value END, CASE WHEN indicator = 'tax' THEN new_value END, CASE WHEN indicator = 'employees' THEN new_value END, CASE WHEN indicator = 'export_value' THEN new_value END, CASE WHEN indicator = 'rd_expense' THEN new_value END, CASE WHEN indicator = 'receivables' THEN new_value END, CASE WHEN indicator = 'inventory' THEN new_value END, CASE WHEN indicator = 'output_value' THEN old_value END, CASE WHEN indicator = 'revenue' THEN old_value END, CASE WHEN indicator = 'profit' THEN old_value END, CASE WHEN indicator = 'electricity' THEN old_value END, CASE WHEN indicator = 'tax' THEN old_value END, CASE WHEN indicator = 'employees' THEN old_value END, CASE WHEN indicator = 'export_value' THEN old_value END, CASE WHEN indicator = 'rd_expense' THEN old_value END, CASE WHEN indicator = 'receivables' THEN old_value END, CASE WHEN indicator = 'inventory' THEN old_value END
            FROM indicator_changes
            """,
            "DROP TABLE indicator_values",
            "DROP TABLE indicator_changes",
        ]),
        // The province's reference data (chains, zones) as versioned
        // tables; the province itself is the setting `province.code` of the existing settings table.
        Migration(version: 15, name: "province reference data versions", statements: [
            """
            CREATE TABLE reference_versions (
              kind TEXT NOT NULL, version INTEGER NOT NULL, actor TEXT NOT NULL, imported_at TEXT NOT NULL,
              file_name TEXT NOT NULL, row_count INTEGER NOT NULL, content TEXT NOT NULL, PRIMARY KEY (kind, version))
            """,
        ]),
        // Accounts created by delegated administration: a display name, an encrypted contact, who created the account,
        // and whether its next login may only change the password.
        Migration(version: 16, name: "account profile and forced password change", statements: [
            "ALTER TABLE users ADD COLUMN display_name TEXT",
            "ALTER TABLE users ADD COLUMN contact TEXT",
            "ALTER TABLE users ADD COLUMN created_by TEXT",
            "ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0",
        ]),
        // Three datasets of the data centre: investment projects (投资/技改项目, one row per project code), land use (用地/亩均,
        // one row per firm and year) and daily electricity (日用电量, one row per firm and day: millions of rows a year, so
        // keyed compactly without a row id on SQLite).
        Migration(version: 17, name: "investment projects, land use, daily electricity", statements: [
            """
            CREATE TABLE investment_projects (code TEXT PRIMARY KEY, uscc TEXT NOT NULL, name TEXT NOT NULL, kind TEXT,
              planned DOUBLE PRECISION, completed DOUBLE PRECISION, start_month TEXT, end_month TEXT, status TEXT, region TEXT NOT NULL,
              batch TEXT NOT NULL, updated_at TEXT NOT NULL)
            """,
            "CREATE INDEX investment_projects_uscc ON investment_projects (uscc)",
            """
            CREATE TABLE land_use (uscc TEXT NOT NULL, year INTEGER NOT NULL, area DOUBLE PRECISION NOT NULL, tax DOUBLE PRECISION,
              output DOUBLE PRECISION, batch TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (uscc, year))
            """,
            "CREATE TABLE daily_electricity (uscc TEXT NOT NULL, day TEXT NOT NULL, electricity DOUBLE PRECISION NOT NULL, PRIMARY KEY (uscc, day)){WITHOUT_ROWID}",
        ]),
        // A policy's 文号 (document number) and region scope, as the province's policy table (政策表) carries them.
        Migration(version: 18, name: "policy document number and region scope", statements: [
            "ALTER TABLE policies ADD COLUMN document_no TEXT",
            "ALTER TABLE policies ADD COLUMN regions TEXT",
        ]),
        // Who delivered, when, from which source and in which batch is said once per delivery, not on each of its million
        // log rows: the log row refers to its delivery by number (half the log's size, a tenth of its batch index).
        Migration(version: 20, name: "the correction log refers to its delivery; source values keyed by month", statements: [
            "CREATE TABLE indicator_deliveries (id BIGINT PRIMARY KEY, batch TEXT NOT NULL, source TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL)",
            """
            INSERT INTO indicator_deliveries (id, batch, source, actor, at)
            SELECT ROW_NUMBER() OVER (ORDER BY at, batch, source, actor), batch, source, actor, at FROM (SELECT DISTINCT batch, source, actor, at FROM indicator_log) d
            """,
            "CREATE INDEX indicator_deliveries_batch ON indicator_deliveries (batch)",
            """
            CREATE TABLE indicator_log_by_delivery (delivery BIGINT NOT NULL, uscc TEXT NOT NULL, month TEXT NOT NULL, mask INTEGER NOT NULL,
              output_value DOUBLE PRECISION, revenue DOUBLE PRECISION, profit DOUBLE PRECISION, electricity DOUBLE PRECISION, tax DOUBLE PRECISION, employees DOUBLE PRECISION, export_value DOUBLE PRECISION, rd_expense DOUBLE PRECISION, receivables DOUBLE PRECISION, inventory DOUBLE PRECISION, was_output_value DOUBLE PRECISION, was_revenue DOUBLE PRECISION, was_profit DOUBLE PRECISION, was_electricity DOUBLE PRECISION, was_tax DOUBLE PRECISION, was_employees DOUBLE PRECISION, was_export_value DOUBLE PRECISION, was_rd_expense DOUBLE PRECISION, was_receivables DOUBLE PRECISION, was_inventory DOUBLE PRECISION)
            """,
            """
            INSERT INTO indicator_log_by_delivery (delivery, uscc, month, mask, output_value, revenue, profit, electricity, tax, employees, export_value, rd_expense, receivables, inventory, was_output_value, was_revenue, was_profit, was_electricity, was_tax, was_employees, was_export_value, was_rd_expense, was_receivables, was_inventory)
            SELECT d.id, l.uscc, l.month, l.mask, l.output_value, l.revenue, l.profit, l.electricity, l.tax, l.employees, l.export_value, l.rd_expense, l.receivables, l.inventory, l.was_output_value, l.was_revenue, l.was_profit, l.was_electricity, l.was_tax, l.was_employees, l.was_export_value, l.was_rd_expense, l.was_receivables, l.was_inventory
            FROM indicator_log l JOIN indicator_deliveries d ON d.batch = l.batch AND d.source = l.source AND d.actor = l.actor AND d.at = l.at
            """,
            "DROP TABLE indicator_log",
            "ALTER TABLE indicator_log_by_delivery RENAME TO indicator_log",
            "CREATE INDEX indicator_log_firm ON indicator_log (uscc, month)",
            "CREATE INDEX indicator_log_delivery ON indicator_log (delivery)",
            // Source values keyed month first: a firm-month is found as before and a month's rows without an index of their own.
            """
            CREATE TABLE source_values_by_month (uscc TEXT NOT NULL, month TEXT NOT NULL, source TEXT NOT NULL, mask INTEGER NOT NULL,
              output_value DOUBLE PRECISION, revenue DOUBLE PRECISION, profit DOUBLE PRECISION, electricity DOUBLE PRECISION, tax DOUBLE PRECISION, employees DOUBLE PRECISION, export_value DOUBLE PRECISION, rd_expense DOUBLE PRECISION, receivables DOUBLE PRECISION, inventory DOUBLE PRECISION, PRIMARY KEY (month, uscc, source)){WITHOUT_ROWID}
            """,
            "INSERT INTO source_values_by_month (uscc, month, source, mask, output_value, revenue, profit, electricity, tax, employees, export_value, rd_expense, receivables, inventory) SELECT uscc, month, source, mask, output_value, revenue, profit, electricity, tax, employees, export_value, rd_expense, receivables, inventory FROM source_values",
            "DROP TABLE source_values",
            "ALTER TABLE source_values_by_month RENAME TO source_values",
        ]),
        // Warnings an official works through: who the firm's case is assigned to (a county office and/or a person), by
        // when, how it was closed, and every step and note of it (warning_actions, one row per action, shown as a timeline).
        Migration(version: 21, name: "warning assignment, deadline, outcome and timeline", statements: [
            "ALTER TABLE warnings ADD COLUMN assignee_region TEXT",
            "ALTER TABLE warnings ADD COLUMN assignee_user TEXT",
            "ALTER TABLE warnings ADD COLUMN due_date TEXT",
            "ALTER TABLE warnings ADD COLUMN assigned_by TEXT",
            "ALTER TABLE warnings ADD COLUMN assigned_at TEXT",
            "ALTER TABLE warnings ADD COLUMN outcome TEXT",
            """
            CREATE TABLE warning_actions (id TEXT PRIMARY KEY, warning_id TEXT NOT NULL, subject TEXT NOT NULL, period TEXT NOT NULL,
              action TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, note TEXT, assignee_region TEXT, assignee_user TEXT,
              due_date TEXT, outcome TEXT)
            """,
            "CREATE INDEX warning_actions_case ON warning_actions (subject, period)",
        ]),
        // An award passes 待审核 → 审核通过 → 公示 → 已拨付 (or 驳回): the 公示 dates, and the awards granted or applied for
        // before review existed wait for review (their history keeps the step they were made in).
        Migration(version: 22, name: "award review and publicity", statements: [
            "ALTER TABLE policy_awards ADD COLUMN publicity_from TEXT",
            "ALTER TABLE policy_awards ADD COLUMN publicity_until TEXT",
            "UPDATE policy_awards SET state = 'pending' WHERE state IN ('granted', 'applied')",
        ]),
        // Enterprise follow-through: which catalogue provider a provider account answers for, and 贸易撮合 contact
        // exchanges (a request, then the counterpart's answer; contacts are shown only once both agreed).
        Migration(version: 24, name: "provider accounts and market contact exchanges", statements: [
            "CREATE TABLE provider_accounts (username TEXT PRIMARY KEY, provider_id TEXT NOT NULL, linked_by TEXT NOT NULL, linked_at TEXT NOT NULL)",
            "CREATE INDEX provider_accounts_provider ON provider_accounts (provider_id)",
            "CREATE TABLE market_contacts (id TEXT PRIMARY KEY, from_uscc TEXT NOT NULL, to_uscc TEXT NOT NULL, state TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE INDEX market_contacts_from ON market_contacts (from_uscc)",
            "CREATE INDEX market_contacts_to ON market_contacts (to_uscc)",
        ]),
        // Service clients (统一数据接口): machine callers with a region, write and read scopes, an expiry and optional
        // request signing; their API keys are stored as SHA-256 hashes, rotated with an overlap, revoked at once.
        Migration(version: 25, name: "service clients and API keys", statements: [
            """
            CREATE TABLE service_clients (id TEXT PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL, region TEXT NOT NULL,
              writes TEXT NOT NULL, reads TEXT NOT NULL, description TEXT NOT NULL, expires_at TEXT, signing_secret TEXT,
              created_by TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT, revoked_by TEXT)
            """,
            "CREATE INDEX service_clients_owner ON service_clients (owner)",
            """
            CREATE TABLE client_keys (key_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, secret_hash TEXT NOT NULL,
              created_by TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT, revoked_by TEXT)
            """,
            "CREATE INDEX client_keys_client ON client_keys (client_id)",
        ]),
        // The ingestion interface's idempotency keys: per caller and key, the request's hash, and once answered the answer
        // (a retry gets it again and writes nothing); kept until `expires_at`.
        Migration(version: 26, name: "ingestion idempotency keys", statements: [
            """
            CREATE TABLE ingest_requests (caller TEXT NOT NULL, request_key TEXT NOT NULL, dataset TEXT NOT NULL, body_hash TEXT NOT NULL,
              token TEXT NOT NULL, state TEXT NOT NULL, status INTEGER NOT NULL, response TEXT NOT NULL, created_at TEXT NOT NULL,
              expires_at TEXT NOT NULL, PRIMARY KEY (caller, request_key))
            """,
            "CREATE INDEX ingest_requests_expiry ON ingest_requests (expires_at)",
        ]),
        // 服务资源目录 (issue 15, part 3): published services, consumers' access requests and grants, and metering per
        // consumer, service and Beijing day (added to in batches by the in-memory meter, never one write per call).
        Migration(version: 27, name: "published services, access requests and daily metering", statements: [
            "CREATE TABLE hub_services (id TEXT PRIMARY KEY, owner TEXT NOT NULL, state TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE INDEX hub_services_owner ON hub_services (owner)",
            "CREATE TABLE hub_access (id TEXT PRIMARY KEY, service_id TEXT NOT NULL, consumer TEXT NOT NULL, state TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE INDEX hub_access_service ON hub_access (service_id)",
            "CREATE INDEX hub_access_consumer ON hub_access (consumer)",
            """
            CREATE TABLE hub_usage (day TEXT NOT NULL, service_id TEXT NOT NULL, consumer TEXT NOT NULL, calls BIGINT NOT NULL,
              rows_out BIGINT NOT NULL, bytes_out BIGINT NOT NULL, refused BIGINT NOT NULL, PRIMARY KEY (day, service_id, consumer))
            """,
            "CREATE INDEX hub_usage_consumer ON hub_usage (consumer, day)",
        ]),
        // Subscriptions (issue 15 part 4): who wants warnings or import completions, and how (webhook, inbox, email,
        // SMS); the events waiting to be fanned out; the delivery outbox with its retries and dead letters; the portal
        // inbox (消息).
        Migration(version: 28, name: "subscriptions, events, deliveries and inbox", statements: [
            "CREATE TABLE subscriptions (id TEXT PRIMARY KEY, owner TEXT NOT NULL, topic TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE INDEX subscriptions_owner ON subscriptions (owner)",
            "CREATE INDEX subscriptions_topic ON subscriptions (topic, state)",
            "CREATE TABLE subscription_events (id TEXT PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL, fanned_out_at TEXT)",
            "CREATE INDEX subscription_events_pending ON subscription_events (fanned_out_at, created_at)",
            "CREATE TABLE subscription_deliveries (id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, owner TEXT NOT NULL, channel TEXT NOT NULL, event_count INTEGER NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TEXT NOT NULL, window_started_at TEXT NOT NULL, last_error TEXT, created_at TEXT NOT NULL, delivered_at TEXT)",
            "CREATE INDEX subscription_deliveries_due ON subscription_deliveries (state, next_attempt_at)",
            "CREATE INDEX subscription_deliveries_subscription ON subscription_deliveries (subscription_id, created_at)",
            "CREATE TABLE inbox_messages (id TEXT PRIMARY KEY, username TEXT NOT NULL, subscription_id TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, link TEXT, created_at TEXT NOT NULL, read_at TEXT)",
            "CREATE INDEX inbox_messages_user ON inbox_messages (username, created_at)",
        ]),
        // The figures the applications read keyed month first, like the source values (migration 20): a month's delivery
        // (the usual batch: one month of many firms) then writes a few hundred neighbouring pages instead of one page per
        // firm, which every commit had to write to the WAL again. A firm's months are found through `indicators_firm`;
        // updates of existing firm-months never touch that index.
        Migration(version: 29, name: "monthly figures keyed by month", statements: [
            """
            CREATE TABLE indicators_by_month (
              uscc TEXT NOT NULL, month TEXT NOT NULL,
              output_value DOUBLE PRECISION, revenue DOUBLE PRECISION, profit DOUBLE PRECISION,
              electricity DOUBLE PRECISION, tax DOUBLE PRECISION, employees DOUBLE PRECISION,
              export_value DOUBLE PRECISION, rd_expense DOUBLE PRECISION, receivables DOUBLE PRECISION,
              inventory DOUBLE PRECISION,
              PRIMARY KEY (month, uscc)){WITHOUT_ROWID}
            """,
            """
            INSERT INTO indicators_by_month (uscc, month, output_value, revenue, profit, electricity, tax, employees, export_value, rd_expense, receivables, inventory)
            SELECT uscc, month, output_value, revenue, profit, electricity, tax, employees, export_value, rd_expense, receivables, inventory
            FROM indicators ORDER BY month, uscc
            """,
            "DROP TABLE indicators",
            "ALTER TABLE indicators_by_month RENAME TO indicators",
            "CREATE INDEX indicators_firm ON indicators (uscc, month)",
        ]),
    ]
}

extension Store {
    /// Applies every migration newer than the database's version, each in its own transaction.
    func migrate() async throws {
        try await sql.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)").run()
        let rows = try await sql.raw("SELECT version FROM schema_migrations").all()
        let applied = Set(try rows.map { try $0.decode(column: "version", as: Int.self) })
        for migration in Migrations.all where !applied.contains(migration.version) {
            try await transaction { db in
                for statement in migration.statements {
                    try await db.raw(SQLQueryString(statement.replacingOccurrences(of: "{WITHOUT_ROWID}", with: self.kind == .sqlite ? " WITHOUT ROWID" : ""))).run()
                }
                try await db.insert(into: "schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(Timestamp.now()))
                    .run()
            }
        }
    }

    /// Highest applied schema version.
    public func schemaVersion() async throws -> Int {
        let row = try await sql.raw("SELECT MAX(version) AS v FROM schema_migrations").first()
        return try row?.decode(column: "v", as: Int?.self) ?? 0
    }
}

/// ISO-8601 UTC timestamps as stored text.
public enum Timestamp {
    public static func now() -> String { string(Date()) }
    public static func string(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
    /// With milliseconds, for rows that must order within one second: the millisecond nearest the time. (The formatter
    /// truncates, and a time read back from its text can sit a hair below its millisecond — …23.703 read back as
    /// …23.70299999 — so formatting it again gave …23.702 and a step stamped later sorted before it.)
    public static func precise(_ date: Date = Date()) -> String {
        let ms = (date.timeIntervalSince1970 * 1000).rounded()
        return Date(timeIntervalSince1970: (ms + 0.5) / 1000).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
    /// A stored time back as a date (with or without milliseconds); nil for text that is not one.
    public static func date(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
