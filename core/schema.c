/*
 * schema.c - every table of the origination core, as an ordered list of
 * migrations. A released migration is never edited: a change to the schema is a
 * new entry at the end, and PRAGMA user_version records how many have run.
 *
 * Conventions: money columns are INTEGER fen, rates INTEGER millionths, dates
 * TEXT 'YYYY-MM-DD', instants TEXT ISO-8601 UTC. CHECK constraints repeat the
 * domain rules so that a write through raw SQL cannot store what the code would
 * refuse.
 */
#include "schema_int.h"

/* The characters of a borrower's name (OLD or NEW), for finding its
 * postings by their key (the postings are keyed by character first). */
#define NAME_CHARS(row)                                                                            \
    "WITH RECURSIVE at(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM at "                            \
    "WHERE n < length(" row ".name)) SELECT substr(lower(" row ".name), n, 1) FROM at"
#define OLD_NAME_CHARS NAME_CHARS("OLD")
#define NEW_NAME_CHARS NAME_CHARS("NEW")

/* Posts the characters of a borrower's new name. */
#define NEW_NAME_POSTINGS                                                                          \
    "INSERT OR IGNORE INTO borrower_name_char (ch, borrower_id, under_review) "                    \
    "WITH RECURSIVE at(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM at "                            \
    "WHERE n < length(NEW.name)) SELECT substr(lower(NEW.name), n, 1), NEW.id, "                   \
    "NEW.under_review FROM at;"

/* Posts the names of the borrowers that `where` selects, sorted by the key
 * first, so the B-tree is written in order. */
#define NAME_POSTINGS_OF(where)                                                                    \
    "INSERT OR IGNORE INTO borrower_name_char (ch, borrower_id, under_review) "                    \
    "WITH RECURSIVE at(id, name, under_review, n) AS "                                             \
    "(SELECT id, lower(name), under_review, 1 FROM borrower " where                                \
    " UNION ALL SELECT id, name, under_review, n + 1 FROM at WHERE n < length(name)) "             \
    "SELECT DISTINCT substr(name, n, 1), id, under_review FROM at ORDER BY 1, 2;"

/* The triggers that keep the postings beside every write of a name or of
 * under_review. Whichever of the review move and a rename runs first, the
 * new name's postings end with the new flag: the rename posts
 * NEW.under_review itself. */
#define NAME_POSTINGS_TRIGGERS                                                                     \
    "CREATE TRIGGER borrower_name_added AFTER INSERT ON borrower BEGIN " NEW_NAME_POSTINGS " END;" \
    "CREATE TRIGGER borrower_name_changed AFTER UPDATE OF id, name ON borrower "                   \
    "WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name BEGIN "                                 \
    "DELETE FROM borrower_name_char WHERE borrower_id = OLD.id AND ch IN (" OLD_NAME_CHARS         \
    "); " NEW_NAME_POSTINGS " END;"                                                                \
    "CREATE TRIGGER borrower_name_review_moved AFTER UPDATE OF under_review ON borrower "          \
    "WHEN OLD.under_review IS NOT NEW.under_review BEGIN "                                         \
    "UPDATE borrower_name_char SET under_review = NEW.under_review WHERE borrower_id = NEW.id "    \
    "AND ch IN (" NEW_NAME_CHARS "); END;"                                                         \
    "CREATE TRIGGER borrower_name_removed AFTER DELETE ON borrower BEGIN "                         \
    "DELETE FROM borrower_name_char WHERE borrower_id = OLD.id AND ch IN (" OLD_NAME_CHARS         \
    "); END;"

/* Indexes the lowered names of the borrowers that `where` selects in the
 * trigram index (migration 7), in id order. */
#define NAME_TRIGRAMS_OF(where)                                                                    \
    "INSERT INTO borrower_name_fts (rowid, name) SELECT id, lower(name) FROM borrower " where      \
    " ORDER BY id;"

/* The trigram index is contentless: a removal hands it the text it indexed,
 * which lower(OLD.name) spells again. */
#define OLD_NAME_TRIGRAMS                                                                          \
    "INSERT INTO borrower_name_fts (borrower_name_fts, rowid, name) "                              \
    "VALUES ('delete', OLD.id, lower(OLD.name));"
#define NEW_NAME_TRIGRAMS                                                                          \
    "INSERT INTO borrower_name_fts (rowid, name) VALUES (NEW.id, lower(NEW.name));"

#define NAME_TRIGRAMS_TRIGGERS                                                                     \
    "CREATE TRIGGER borrower_trigrams_added AFTER INSERT ON borrower BEGIN " NEW_NAME_TRIGRAMS     \
    " END;"                                                                                        \
    "CREATE TRIGGER borrower_trigrams_changed AFTER UPDATE OF id, name ON borrower "               \
    "WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name BEGIN " OLD_NAME_TRIGRAMS               \
        NEW_NAME_TRIGRAMS " END;"                                                                  \
    "CREATE TRIGGER borrower_trigrams_removed AFTER DELETE ON borrower BEGIN " OLD_NAME_TRIGRAMS   \
    " END;"

const char core_schema_name_postings_suspend[] =
    "DROP TRIGGER borrower_name_added; DROP TRIGGER borrower_name_changed; "
    "DROP TRIGGER borrower_name_review_moved; DROP TRIGGER borrower_name_removed; "
    "DROP TRIGGER borrower_trigrams_added; DROP TRIGGER borrower_trigrams_changed; "
    "DROP TRIGGER borrower_trigrams_removed;";
const char core_schema_name_postings_resume[] = NAME_POSTINGS_OF("WHERE id > ?1")
    NAME_POSTINGS_TRIGGERS NAME_TRIGRAMS_OF("WHERE id > ?1") NAME_TRIGRAMS_TRIGGERS;

const char *const core_schema_migrations[] = {
    /* 1: users, configuration, borrowers, applications and their parts, audit */
    "CREATE TABLE app_user ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  full_name TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role = 'officer' OR role = 'reviewer' OR role = 'manager' OR role "
    "= 'auditor' OR role = 'admin'),"
    "  authority_limit INTEGER NOT NULL DEFAULT 0 CHECK (authority_limit >= 0),"
    "  password_hash TEXT NOT NULL,"
    "  password_changed_on TEXT NOT NULL,"
    "  failed_logins INTEGER NOT NULL DEFAULT 0,"
    "  locked INTEGER NOT NULL DEFAULT 0 CHECK (locked = 0 OR locked = 1),"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active = 0 OR active = 1),"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE config_document ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL CHECK (name = 'policy' OR name = 'products'),"
    "  body TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  loaded_at TEXT NOT NULL,"
    "  loaded_by INTEGER REFERENCES app_user(id)"
    ");"
    "CREATE INDEX config_document_by_name ON config_document(name, id);"
    "CREATE TABLE borrower ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind = 'individual' OR kind = 'enterprise'),"
    "  name TEXT NOT NULL CHECK (length(name) > 0),"
    "  id_number TEXT NOT NULL UNIQUE,"
    "  officer_id INTEGER NOT NULL REFERENCES app_user(id),"
    "  phone TEXT,"
    "  address TEXT,"
    "  birth_date TEXT,"
    "  employer TEXT,"
    "  years_employed INTEGER CHECK (years_employed >= 0),"
    "  monthly_income INTEGER CHECK (monthly_income >= 0),"
    "  existing_debt INTEGER CHECK (existing_debt >= 0),"
    "  existing_monthly_repayment INTEGER CHECK (existing_monthly_repayment >= 0),"
    "  industry TEXT,"
    "  industry_risk_class INTEGER CHECK (industry_risk_class BETWEEN 1 AND 5),"
    "  years_in_business INTEGER CHECK (years_in_business >= 0),"
    "  registered_capital INTEGER CHECK (registered_capital >= 0),"
    "  blocklisted INTEGER NOT NULL DEFAULT 0 CHECK (blocklisted = 0 OR blocklisted = 1),"
    "  created_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX borrower_by_officer ON borrower(officer_id);"
    "CREATE TABLE financial_statement ("
    "  borrower_id INTEGER NOT NULL REFERENCES borrower(id),"
    "  year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2299),"
    "  total_assets INTEGER NOT NULL CHECK (total_assets >= 0),"
    "  total_liabilities INTEGER NOT NULL CHECK (total_liabilities >= 0),"
    "  current_assets INTEGER NOT NULL CHECK (current_assets >= 0),"
    "  current_liabilities INTEGER NOT NULL CHECK (current_liabilities >= 0),"
    "  inventory INTEGER NOT NULL DEFAULT 0 CHECK (inventory >= 0),"
    "  revenue INTEGER NOT NULL CHECK (revenue >= 0),"
    "  net_profit INTEGER NOT NULL,"
    "  operating_cash_flow INTEGER NOT NULL,"
    "  PRIMARY KEY (borrower_id, year)"
    ");"
    "CREATE TABLE application ("
    "  id INTEGER PRIMARY KEY,"
    "  borrower_id INTEGER NOT NULL REFERENCES borrower(id),"
    "  product_code TEXT NOT NULL,"
    "  amount INTEGER NOT NULL CHECK (amount > 0),"
    "  term_months INTEGER NOT NULL CHECK (term_months BETWEEN 1 AND 360),"
    "  method TEXT NOT NULL"
    "    CHECK (method = 'annuity' OR method = 'equal_principal' OR method = 'interest_only' OR "
    "method = 'bullet'),"
    "  period TEXT NOT NULL CHECK (period = 'monthly' OR period = 'quarterly'),"
    "  purpose TEXT NOT NULL CHECK (length(purpose) > 0),"
    "  state TEXT NOT NULL CHECK (state = 'draft' OR state = 'submitted' OR state = 'rated' OR "
    "state = 'approved' OR state = 'rejected' OR state = 'withdrawn' OR state = 'disbursed'),"
    "  created_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  submitted_at TEXT,"
    "  decided_by INTEGER REFERENCES app_user(id),"
    "  decided_at TEXT,"
    "  decision_reason TEXT,"
    "  approved_amount INTEGER CHECK (approved_amount > 0),"
    "  approved_term_months INTEGER CHECK (approved_term_months BETWEEN 1 AND 360),"
    "  approved_rate INTEGER CHECK (approved_rate BETWEEN 0 AND 1000000),"
    "  fee_method TEXT CHECK (fee_method = 'none' OR fee_method = 'upfront' OR fee_method = "
    "'per_installment'),"
    "  fee_amount INTEGER CHECK (fee_amount >= 0)"
    ");"
    "CREATE INDEX application_by_borrower ON application(borrower_id);"
    "CREATE INDEX application_by_state ON application(state);"
    "CREATE TABLE investigation ("
    "  id INTEGER PRIMARY KEY,"
    "  application_id INTEGER NOT NULL REFERENCES application(id),"
    "  site_visit_date TEXT NOT NULL,"
    "  operations TEXT NOT NULL,"
    "  assets_liabilities TEXT NOT NULL,"
    "  repayment_capacity TEXT NOT NULL,"
    "  conclusion TEXT NOT NULL,"
    "  recorded_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  recorded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX investigation_by_application ON investigation(application_id);"
    "CREATE TABLE guarantor ("
    "  id INTEGER PRIMARY KEY,"
    "  application_id INTEGER NOT NULL REFERENCES application(id),"
    "  kind TEXT NOT NULL CHECK (kind = 'person' OR kind = 'enterprise'),"
    "  name TEXT NOT NULL CHECK (length(name) > 0),"
    "  id_number TEXT NOT NULL,"
    "  borrower_id INTEGER REFERENCES borrower(id),"
    "  guarantee_type TEXT NOT NULL CHECK (guarantee_type = 'joint' OR guarantee_type = 'general'),"
    "  guaranteed_amount INTEGER NOT NULL CHECK (guaranteed_amount > 0),"
    "  net_assets INTEGER NOT NULL,"
    "  outstanding_guarantees INTEGER NOT NULL CHECK (outstanding_guarantees >= 0),"
    "  created_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX guarantor_by_application ON guarantor(application_id);"
    "CREATE TABLE collateral ("
    "  id INTEGER PRIMARY KEY,"
    "  application_id INTEGER NOT NULL REFERENCES application(id),"
    "  type TEXT NOT NULL CHECK (type = 'real_estate' OR type = 'land_use_right' OR type = "
    "'vehicle' OR type = 'equipment' OR type = 'deposit_receipt' OR type = 'bonds' OR type = "
    "'receivables' OR type = 'equity'),"
    "  arrangement TEXT NOT NULL CHECK (arrangement = 'mortgage' OR arrangement = 'pledge'),"
    "  owner_name TEXT NOT NULL,"
    "  owner_is_borrower INTEGER NOT NULL CHECK (owner_is_borrower = 0 OR owner_is_borrower = 1),"
    "  certificate_no TEXT NOT NULL,"
    "  appraised_value INTEGER NOT NULL CHECK (appraised_value > 0),"
    "  appraisal_date TEXT NOT NULL,"
    "  appraiser TEXT NOT NULL,"
    "  lien_rank INTEGER NOT NULL CHECK (lien_rank >= 1),"
    "  prior_claims INTEGER NOT NULL DEFAULT 0 CHECK (prior_claims >= 0),"
    "  registration_no TEXT,"
    "  created_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX collateral_by_application ON collateral(application_id);"
    "CREATE TABLE audit_event ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  user_id INTEGER,"
    "  username TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  entity TEXT NOT NULL,"
    "  entity_id INTEGER,"
    "  outcome TEXT NOT NULL CHECK (outcome = 'ok' OR outcome = 'denied'),"
    "  detail TEXT NOT NULL"
    ");"
    "CREATE INDEX audit_event_by_entity ON audit_event(entity, entity_id);"
    "CREATE TABLE pki_identity ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind = 'ca' OR kind = 'institution' OR kind = 'user'),"
    "  user_id INTEGER REFERENCES app_user(id),"
    "  cert_pem TEXT NOT NULL,"
    "  key_pem TEXT NOT NULL," /* encrypted PKCS#8, never plain */
    "  serial TEXT NOT NULL,"
    "  fingerprint TEXT NOT NULL UNIQUE,"
    "  issued_at INTEGER NOT NULL,"
    "  revoked_at INTEGER"
    ");"
    "CREATE INDEX pki_identity_by_user ON pki_identity(user_id);",

    /* 2: ratings beside the policy that made them, overrides, and repayment
     * history (days past due) for later ratings */
    "CREATE TABLE rating ("
    "  id INTEGER PRIMARY KEY,"
    "  application_id INTEGER NOT NULL REFERENCES application(id),"
    "  score INTEGER NOT NULL,"
    "  grade TEXT NOT NULL,"
    "  pd INTEGER NOT NULL CHECK (pd BETWEEN 0 AND 1000000),"
    "  decision TEXT NOT NULL CHECK (decision = 'approve' OR decision = 'refer' OR decision = "
    "'decline'),"
    "  recommended_amount INTEGER NOT NULL CHECK (recommended_amount >= 0),"
    "  recommended_term_months INTEGER NOT NULL,"
    "  rate INTEGER NOT NULL,"
    "  fee_method TEXT NOT NULL,"
    "  fee_amount INTEGER NOT NULL,"
    "  policy_sha256 TEXT NOT NULL,"
    "  result_json TEXT NOT NULL,"
    "  rated_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  rated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX rating_by_application ON rating(application_id, id);"
    "CREATE TABLE rating_override ("
    "  id INTEGER PRIMARY KEY,"
    "  rating_id INTEGER NOT NULL REFERENCES rating(id),"
    "  grade TEXT NOT NULL,"
    "  reason TEXT NOT NULL CHECK (length(reason) > 0),"
    "  overridden_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  overridden_at TEXT NOT NULL"
    ");"
    "CREATE TABLE borrower_dpd ("
    "  borrower_id INTEGER NOT NULL REFERENCES borrower(id),"
    "  on_date TEXT NOT NULL,"
    "  dpd INTEGER NOT NULL CHECK (dpd >= 0),"
    "  PRIMARY KEY (borrower_id, on_date)"
    ");",

    /* 3: a financial statement is identified by its borrower and year alone,
     * so the table is that key (WITHOUT ROWID): one B-tree per statement
     * instead of a table and its primary-key index */
    "CREATE TABLE financial_statement_by_key ("
    "  borrower_id INTEGER NOT NULL REFERENCES borrower(id),"
    "  year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2299),"
    "  total_assets INTEGER NOT NULL CHECK (total_assets >= 0),"
    "  total_liabilities INTEGER NOT NULL CHECK (total_liabilities >= 0),"
    "  current_assets INTEGER NOT NULL CHECK (current_assets >= 0),"
    "  current_liabilities INTEGER NOT NULL CHECK (current_liabilities >= 0),"
    "  inventory INTEGER NOT NULL DEFAULT 0 CHECK (inventory >= 0),"
    "  revenue INTEGER NOT NULL CHECK (revenue >= 0),"
    "  net_profit INTEGER NOT NULL,"
    "  operating_cash_flow INTEGER NOT NULL,"
    "  PRIMARY KEY (borrower_id, year)"
    ") WITHOUT ROWID;"
    "INSERT INTO financial_statement_by_key (borrower_id, year, total_assets, "
    "total_liabilities, current_assets, current_liabilities, inventory, revenue, net_profit, "
    "operating_cash_flow) SELECT borrower_id, year, total_assets, total_liabilities, "
    "current_assets, current_liabilities, inventory, revenue, net_profit, operating_cash_flow "
    "FROM financial_statement;"
    "DROP TABLE financial_statement;"
    "ALTER TABLE financial_statement_by_key RENAME TO financial_statement;",

    /* 4: sessions, so that one login serves many calls (a server's requests, an
     * operator's script). Only the SHA-256 of the bearer token is kept, so a
     * copy of the file does not hand out live sessions; instants are Unix
     * seconds of the wall clock, never the business date. */
    "CREATE TABLE user_session ("
    "  token_sha256 TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES app_user(id),"
    "  created_at INTEGER NOT NULL,"
    "  last_used_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  ended INTEGER NOT NULL DEFAULT 0 CHECK (ended = 0 OR ended = 1)"
    ") WITHOUT ROWID;"
    "CREATE INDEX user_session_by_user ON user_session(user_id);",

    /* 5: lists that scale. Each filter of a list has an index whose rows come
     * in id order for one value (SQLite appends the rowid to every index), so
     * the first page of a filter reads about as many rows as it shows, and
     * the total is counted from an index alone. Two facts that lists filter
     * on are kept beside the rows they describe, by triggers, so that they
     * hold whatever writes the rows:
     *   application.grade - the effective grade: the latest rating's, or the
     *     latest override of that rating;
     *   borrower.under_review - whether the customer has an application past
     *     draft (not draft, not withdrawn): the reviewer's customer scope.
     * Applications never change borrower, so a state change is the only
     * event that moves under_review. */
    "ALTER TABLE application ADD COLUMN grade TEXT;"
    "UPDATE application SET grade = (SELECT COALESCE((SELECT o.grade FROM rating_override o "
    "WHERE o.rating_id = r.id ORDER BY o.id DESC LIMIT 1), r.grade) FROM rating r "
    "WHERE r.application_id = application.id ORDER BY r.id DESC LIMIT 1);"
    "CREATE TRIGGER application_grade_rated AFTER INSERT ON rating BEGIN "
    "UPDATE application SET grade = NEW.grade WHERE id = NEW.application_id; END;"
    "CREATE TRIGGER application_grade_overridden AFTER INSERT ON rating_override BEGIN "
    "UPDATE application SET grade = NEW.grade WHERE id = (SELECT r.application_id FROM rating r "
    "WHERE r.id = NEW.rating_id AND r.id = (SELECT max(l.id) FROM rating l "
    "WHERE l.application_id = r.application_id)); END;"
    "ALTER TABLE borrower ADD COLUMN under_review INTEGER NOT NULL DEFAULT 0 "
    "CHECK (under_review = 0 OR under_review = 1);"
    "UPDATE borrower SET under_review = EXISTS (SELECT 1 FROM application a "
    "WHERE a.borrower_id = borrower.id AND a.state NOT IN ('draft', 'withdrawn'));"
    "CREATE TRIGGER borrower_review_inserted AFTER INSERT ON application "
    "WHEN NEW.state NOT IN ('draft', 'withdrawn') BEGIN "
    "UPDATE borrower SET under_review = 1 WHERE id = NEW.borrower_id; END;"
    "CREATE TRIGGER borrower_review_moved AFTER UPDATE OF state ON application "
    "WHEN (OLD.state IN ('draft', 'withdrawn')) <> (NEW.state IN ('draft', 'withdrawn')) BEGIN "
    "UPDATE borrower SET under_review = EXISTS (SELECT 1 FROM application a "
    "WHERE a.borrower_id = NEW.borrower_id AND a.state NOT IN ('draft', 'withdrawn')) "
    "WHERE id = NEW.borrower_id; END;"
    /* (borrower_id, state) answers the scope test above from the index */
    "DROP INDEX application_by_borrower;"
    "CREATE INDEX application_by_borrower ON application(borrower_id, state);"
    "CREATE INDEX application_by_product ON application(product_code);"
    "CREATE INDEX application_by_created ON application(created_at);"
    "CREATE INDEX application_by_amount ON application(amount);"
    "CREATE INDEX application_by_grade ON application(grade);"
    /* an officer's customers by name, so their name search reads the index
     * alone; borrower_by_officer keeps them in id order for the joins */
    "CREATE INDEX borrower_by_officer_name ON borrower(officer_id, name);"
    /* everyone's customers by name, with the reviewer's scope beside it so
     * that their name search too reads the index alone */
    "CREATE INDEX borrower_by_name ON borrower(name, under_review);"
    "CREATE INDEX borrower_by_review ON borrower(under_review);",

    /* 6: a name search that reads its matches, not every name. Each distinct
     * character of a borrower's name, Latin letters lowered (as LIKE folds
     * them), is a posting (ch, borrower_id); a search intersects the
     * postings of its rarest characters and confirms each candidate with
     * the exact substring test. Each posting carries the borrower's
     * under_review, so a reviewer's one-character search is counted from
     * the postings alone. Triggers keep the table whatever writes
     * borrower.name or under_review. The characters come from substr() and
     * lower(), the same functions the search splits its text with, so both
     * agree on what a character is. */
    "CREATE TABLE borrower_name_char ("
    "  ch TEXT NOT NULL,"
    "  borrower_id INTEGER NOT NULL,"
    "  under_review INTEGER NOT NULL,"
    "  PRIMARY KEY (ch, borrower_id)"
    ") WITHOUT ROWID;" NAME_POSTINGS_OF("") NAME_POSTINGS_TRIGGERS,

    /* 7: a name search made only of common characters. Their postings each
     * hold a large part of the book, so intersecting them costs more than
     * scanning the names; a trigram index of the lowered names (FTS5) finds
     * the names holding the text as a phrase of consecutive trigrams, which
     * is the substring itself, and counts them from the index alone.
     * case_sensitive 1 since the names are lowered as LIKE folds them (ASCII
     * only), not as Unicode folds them. Contentless, the names being in the
     * borrower table already; triggers keep it whatever writes a name. */
    "CREATE VIRTUAL TABLE borrower_name_fts USING fts5(name, content='', columnsize=0, "
    "tokenize='trigram case_sensitive 1');" NAME_TRIGRAMS_OF("") NAME_TRIGRAMS_TRIGGERS,

    /* Exactly-once writes for clients that retry (the HTTP server's
     * Idempotency-Key): the answer of a successful operation, stored in the
     * operation's own transaction under the user and the client's key, with
     * the SHA-256 of the request it answered, so a retry gets the same
     * answer and the same key on another request is refused. */
    "CREATE TABLE IF NOT EXISTS idempotency ("
    "  user_id INTEGER NOT NULL REFERENCES app_user(id),"
    "  key TEXT NOT NULL,"
    "  request_sha256 TEXT NOT NULL,"
    "  response TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (user_id, key)"
    ") WITHOUT ROWID;",

    /* Every scorecard fact has a place to be entered. The borrower's own
     * facts (NULL: not known, which the rating reports as missing rather than
     * scoring as bad); the statement lines the remaining ratios need; the
     * credit reports an officer enters or imports, of which a rating uses the
     * latest within the policy's maximum age; the bank's own variables as a
     * JSON object checked against the policy in force; and the terms an
     * override recomputes for its grade, which approval is judged against. */
    "ALTER TABLE borrower ADD COLUMN employment_type TEXT;"
    "ALTER TABLE borrower ADD COLUMN housing TEXT;"
    "ALTER TABLE borrower ADD COLUMN education TEXT;"
    "ALTER TABLE borrower ADD COLUMN years_at_address INTEGER CHECK (years_at_address >= 0);"
    "ALTER TABLE borrower ADD COLUMN tax_rating TEXT;"
    "ALTER TABLE borrower ADD COLUMN attributes TEXT;"
    "ALTER TABLE application ADD COLUMN attributes TEXT;"
    "ALTER TABLE financial_statement ADD COLUMN cost_of_sales INTEGER CHECK (cost_of_sales >= 0);"
    "ALTER TABLE financial_statement ADD COLUMN receivables INTEGER CHECK (receivables >= 0);"
    "ALTER TABLE financial_statement ADD COLUMN interest_expense INTEGER "
    "CHECK (interest_expense >= 0);"
    "ALTER TABLE financial_statement ADD COLUMN income_tax INTEGER;"
    "ALTER TABLE financial_statement ADD COLUMN related_party_sales INTEGER "
    "CHECK (related_party_sales >= 0);"
    "CREATE TABLE credit_report ("
    "  id INTEGER PRIMARY KEY,"
    "  borrower_id INTEGER NOT NULL REFERENCES borrower(id),"
    "  report_date TEXT NOT NULL,"
    "  source TEXT NOT NULL CHECK (length(source) > 0),"
    "  inquiries_6m INTEGER CHECK (inquiries_6m >= 0),"
    "  card_utilisation INTEGER CHECK (card_utilisation >= -1),"
    "  open_loans INTEGER CHECK (open_loans >= 0),"
    "  worst_dpd_24m INTEGER CHECK (worst_dpd_24m >= 0),"
    "  outstanding_balance INTEGER CHECK (outstanding_balance >= 0),"
    "  entered_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  entered_at TEXT NOT NULL"
    ");"
    "CREATE INDEX credit_report_by_borrower ON credit_report(borrower_id, report_date, id);"
    "ALTER TABLE rating_override ADD COLUMN pd INTEGER;"
    "ALTER TABLE rating_override ADD COLUMN decision TEXT;"
    "ALTER TABLE rating_override ADD COLUMN recommended_amount INTEGER;"
    "ALTER TABLE rating_override ADD COLUMN recommended_term_months INTEGER;"
    "ALTER TABLE rating_override ADD COLUMN rate INTEGER;"
    "ALTER TABLE rating_override ADD COLUMN fee_method TEXT;"
    "ALTER TABLE rating_override ADD COLUMN fee_amount INTEGER;"
    "ALTER TABLE rating_override ADD COLUMN result_json TEXT;",

    /* The steps of review that leave a file where it was or send it back: a
     * reviewer returning an application to its officer for more information
     * (it is a draft again) or referring a rated one to a manager, each with
     * its reason. An application's latest step says whether it is returned
     * (a draft) or referred (rated); the partial index keeps the officer's
     * and the manager's counts on the few files that have steps. */
    "CREATE TABLE IF NOT EXISTS application_step ("
    "  id INTEGER PRIMARY KEY,"
    "  application_id INTEGER NOT NULL REFERENCES application(id),"
    "  kind TEXT NOT NULL CHECK (kind = 'return' OR kind = 'refer'),"
    "  reason TEXT NOT NULL CHECK (length(reason) > 0),"
    "  user_id INTEGER NOT NULL REFERENCES app_user(id),"
    "  at TEXT NOT NULL"
    ");"
    "CREATE INDEX IF NOT EXISTS application_step_by_application "
    "ON application_step(application_id, id);"
    /* A borrower's guarantees given, found by either of its names. */
    "CREATE INDEX IF NOT EXISTS guarantor_by_borrower ON guarantor(borrower_id) "
    "WHERE borrower_id IS NOT NULL;"
    "CREATE INDEX IF NOT EXISTS guarantor_by_id_number ON guarantor(id_number);",
    /* The customer archive (core/document.h): documents and the officer's
     * checks of them. */
    "CREATE TABLE document ("
    "  id INTEGER PRIMARY KEY,"
    "  borrower_id INTEGER NOT NULL REFERENCES borrower(id),"
    "  application_id INTEGER REFERENCES application(id),"
    "  loan_id INTEGER,"
    "  type TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
    "  content_type TEXT NOT NULL,"
    "  size INTEGER NOT NULL CHECK (size > 0),"
    "  file_name TEXT,"
    "  expires_on INTEGER,"
    "  uploaded_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  uploaded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX document_by_borrower ON document(borrower_id, type);"
    "CREATE INDEX document_by_application ON document(application_id);"
    "CREATE INDEX document_by_expiry ON document(expires_on) WHERE expires_on IS NOT NULL;"
    "CREATE TABLE document_check ("
    "  id INTEGER PRIMARY KEY,"
    "  document_id INTEGER NOT NULL REFERENCES document(id),"
    "  authentic INTEGER NOT NULL CHECK (authentic IN (0, 1)),"
    "  legal INTEGER NOT NULL CHECK (legal IN (0, 1)),"
    "  valid INTEGER NOT NULL CHECK (valid IN (0, 1)),"
    "  note TEXT,"
    "  checked_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  checked_at TEXT NOT NULL"
    ");"
    "CREATE INDEX document_check_by_document ON document_check(document_id, id);",
    /* Collection of overdue loans (清收, ledger/collection.h): a case per loan
     * past due, its stages, the collectors' actions, promises to pay and
     * recoveries from guarantors. Loans are the ledger's: no foreign key. */
    "CREATE TABLE collection_case ("
    "  id INTEGER PRIMARY KEY,"
    "  loan_id INTEGER NOT NULL,"
    "  borrower_id INTEGER NOT NULL REFERENCES borrower(id),"
    "  officer_id INTEGER NOT NULL REFERENCES app_user(id),"
    "  opened_on INTEGER NOT NULL,"
    "  stage TEXT NOT NULL,"
    "  stage_since INTEGER NOT NULL,"
    "  closed_on INTEGER,"
    "  outcome TEXT CHECK (outcome IN ('cured', 'repaid', 'written_off'))"
    ");"
    "CREATE UNIQUE INDEX collection_case_open ON collection_case(loan_id) WHERE closed_on IS NULL;"
    "CREATE INDEX collection_case_by_loan ON collection_case(loan_id, id);"
    "CREATE TABLE collection_stage ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES collection_case(id),"
    "  date INTEGER NOT NULL,"
    "  stage TEXT NOT NULL,"
    "  dpd INTEGER NOT NULL"
    ");"
    "CREATE INDEX collection_stage_by_case ON collection_stage(case_id, id);"
    "CREATE TABLE collection_action ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES collection_case(id),"
    "  date INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('call', 'sms', 'letter', 'visit', 'guarantor_demand',"
    "   'legal_filing')),"
    "  outcome TEXT NOT NULL,"
    "  next_step TEXT,"
    "  next_date INTEGER,"
    "  recorded_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  recorded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX collection_action_by_case ON collection_action(case_id, id);"
    "CREATE TABLE collection_promise ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES collection_case(id),"
    "  amount INTEGER NOT NULL CHECK (amount > 0),"
    "  made_on INTEGER NOT NULL,"
    "  due_on INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('open', 'kept', 'broken')),"
    "  paid INTEGER,"
    "  settled_on INTEGER,"
    "  recorded_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  recorded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX collection_promise_open ON collection_promise(due_on) WHERE status = 'open';"
    "CREATE INDEX collection_promise_by_case ON collection_promise(case_id, id);"
    "CREATE TABLE collection_recovery ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES collection_case(id),"
    "  guarantor_id INTEGER NOT NULL REFERENCES guarantor(id),"
    "  amount INTEGER NOT NULL CHECK (amount > 0),"
    "  date INTEGER NOT NULL,"
    "  repayment_id INTEGER NOT NULL,"
    "  recorded_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  recorded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX collection_recovery_by_case ON collection_recovery(case_id, id);"
    "CREATE INDEX collection_recovery_by_guarantor ON collection_recovery(guarantor_id);",
    /* Customer care (core/care.h): visits (走访) and complaints (投诉). */
    "CREATE TABLE visit ("
    "  id INTEGER PRIMARY KEY,"
    "  borrower_id INTEGER NOT NULL REFERENCES borrower(id),"
    "  date INTEGER NOT NULL,"
    "  people TEXT NOT NULL,"
    "  purpose TEXT NOT NULL,"
    "  findings TEXT NOT NULL,"
    "  follow_up TEXT,"
    "  recorded_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  recorded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX visit_by_borrower ON visit(borrower_id, id);"
    "CREATE TABLE complaint ("
    "  id INTEGER PRIMARY KEY,"
    "  borrower_id INTEGER NOT NULL REFERENCES borrower(id),"
    "  received_on INTEGER NOT NULL,"
    "  channel TEXT NOT NULL CHECK (channel IN ('phone', 'counter', 'letter', 'online',"
    "   'regulator')),"
    "  text TEXT NOT NULL,"
    "  assigned_to INTEGER NOT NULL REFERENCES app_user(id),"
    "  deadline INTEGER NOT NULL,"
    "  response TEXT,"
    "  responded_on INTEGER,"
    "  feedback TEXT,"
    "  closed_on INTEGER,"
    "  recorded_by INTEGER NOT NULL REFERENCES app_user(id),"
    "  recorded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX complaint_open ON complaint(deadline) WHERE closed_on IS NULL;"
    "CREATE INDEX complaint_by_borrower ON complaint(borrower_id, id);",
    /* Stored answers of exactly-once writes expire (idempotency.h): the
     * expired ones are found by their age. */
    "CREATE INDEX IF NOT EXISTS idempotency_by_created ON idempotency(created_at);",
};

const int core_schema_migration_count =
    (int)(sizeof core_schema_migrations / sizeof core_schema_migrations[0]);
