CREATE TABLE domains (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
CREATE TABLE users (
  id TEXT PRIMARY KEY, domain TEXT NOT NULL REFERENCES domains(name), email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL, pw_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, domain TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES users(id),
  key_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), expires_at TEXT NOT NULL);
CREATE TABLE groups (id TEXT PRIMARY KEY, domain TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE case_types (domain TEXT NOT NULL, name TEXT NOT NULL, definition TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (domain, name));
CREATE TABLE cases (
  domain TEXT NOT NULL, case_id TEXT NOT NULL, case_type TEXT NOT NULL, external_id TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '', owner_id TEXT NOT NULL DEFAULT '', closed INTEGER NOT NULL DEFAULT 0,
  date_opened TEXT NOT NULL DEFAULT '', modified_on TEXT NOT NULL DEFAULT '', properties TEXT NOT NULL DEFAULT '{}',
  parent_case_id TEXT NOT NULL DEFAULT '', parent_case_type TEXT NOT NULL DEFAULT '',
  parent_relationship TEXT NOT NULL DEFAULT '', parent_identifier TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (domain, case_id));
CREATE INDEX cases_ext ON cases (domain, external_id);
CREATE INDEX cases_type ON cases (domain, case_type, case_id);
CREATE INDEX cases_parent ON cases (domain, parent_case_id);
CREATE TABLE imports (
  id TEXT PRIMARY KEY, domain TEXT NOT NULL, user_id TEXT NOT NULL, user_email TEXT NOT NULL, kind TEXT NOT NULL,
  file_name TEXT NOT NULL, case_type TEXT NOT NULL, spec TEXT NOT NULL DEFAULT '{}', state TEXT NOT NULL,
  counts TEXT NOT NULL DEFAULT '{}', results TEXT NOT NULL DEFAULT '[]', error TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, finished_at TEXT NOT NULL DEFAULT '',
  duration_ms INTEGER NOT NULL DEFAULT 0, undone_by TEXT NOT NULL DEFAULT '', undo_of TEXT NOT NULL DEFAULT '');
CREATE INDEX imports_domain ON imports (domain, created_at);
CREATE TABLE changes (
  domain TEXT NOT NULL, import_id TEXT NOT NULL, seq INTEGER NOT NULL, case_id TEXT NOT NULL, op TEXT NOT NULL,
  before TEXT NOT NULL DEFAULT '', after_modified_on TEXT NOT NULL, PRIMARY KEY (import_id, seq));
CREATE TABLE idempotency (
  domain TEXT NOT NULL, key TEXT NOT NULL, principal TEXT NOT NULL, route TEXT NOT NULL, fingerprint TEXT NOT NULL,
  state TEXT NOT NULL, status INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL,
  PRIMARY KEY (domain, key));
CREATE TABLE jobs (
  id TEXT PRIMARY KEY, domain TEXT NOT NULL, import_id TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0,
  params TEXT NOT NULL, file BLOB NOT NULL, file_name TEXT NOT NULL, claimed_by TEXT NOT NULL DEFAULT '',
  claimed_at TEXT NOT NULL DEFAULT '', heartbeat_at TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);
CREATE INDEX jobs_state ON jobs (state, created_at);
CREATE TABLE specs (
  id TEXT PRIMARY KEY, domain TEXT NOT NULL, name TEXT NOT NULL, case_type TEXT NOT NULL, spec TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_used_at TEXT NOT NULL DEFAULT '');
