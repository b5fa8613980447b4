// The Step Functions tables (all prefixed `sfn_`). Durable state of the control plane and of every
// Standard execution: history events, step checkpoints (the replay memo, including Wait deadlines,
// which makes them the durable timers) and task tokens.
import type { Migration } from '../../store/database.js';

export const SFN_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE sfn_state_machines (
  arn TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
  type TEXT NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
  logging TEXT, tracing TEXT, encryption TEXT, description TEXT,
  status TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL,
  revision_id TEXT NOT NULL, next_version INTEGER NOT NULL DEFAULT 1);
CREATE INDEX sfn_state_machines_scope ON sfn_state_machines(account, region, name);
CREATE TABLE sfn_versions (
  arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, version INTEGER NOT NULL,
  definition TEXT NOT NULL, role_arn TEXT NOT NULL, type TEXT NOT NULL,
  logging TEXT, tracing TEXT, description TEXT, revision_id TEXT NOT NULL, created_at REAL NOT NULL);
CREATE INDEX sfn_versions_machine ON sfn_versions(machine_arn, version);
CREATE TABLE sfn_aliases (
  arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
  routing TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE INDEX sfn_aliases_machine ON sfn_aliases(machine_arn);
CREATE TABLE sfn_activities (
  arn TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
  created_at REAL NOT NULL);
CREATE TABLE sfn_tags (
  resource_arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (resource_arn, key));
CREATE TABLE sfn_executions (
  arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL,
  account TEXT NOT NULL, region TEXT NOT NULL,
  version_arn TEXT, alias_arn TEXT, type TEXT NOT NULL,
  definition TEXT NOT NULL, role_arn TEXT NOT NULL,
  status TEXT NOT NULL, input TEXT NOT NULL, output TEXT, error TEXT, cause TEXT,
  start_date REAL NOT NULL, stop_date REAL, trace_header TEXT,
  redrive_count INTEGER NOT NULL DEFAULT 0, redrive_date REAL,
  parent_arn TEXT, map_run_arn TEXT);
CREATE INDEX sfn_executions_machine ON sfn_executions(machine_arn, start_date);
CREATE INDEX sfn_executions_status ON sfn_executions(status);
CREATE TABLE sfn_events (
  execution_arn TEXT NOT NULL, id INTEGER NOT NULL, type TEXT NOT NULL, timestamp REAL NOT NULL,
  previous_id INTEGER NOT NULL, details TEXT, PRIMARY KEY (execution_arn, id)) WITHOUT ROWID;
CREATE TABLE sfn_steps (
  execution_arn TEXT NOT NULL, key TEXT NOT NULL, done INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (execution_arn, key)) WITHOUT ROWID;
CREATE TABLE sfn_task_tokens (
  token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, step_key TEXT NOT NULL,
  activity_arn TEXT, input TEXT, status TEXT NOT NULL, outcome TEXT, created_at REAL NOT NULL,
  worker TEXT);
CREATE INDEX sfn_task_tokens_activity ON sfn_task_tokens(activity_arn, status, created_at);
`,
  },
];
