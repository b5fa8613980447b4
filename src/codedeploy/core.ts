// CodeDeploy (Lambda compute platform) deployments and their lifecycle-hook executions. Nimbus does
// not shift traffic server-side: the SAM deployer drives a deployment (alias weights, hooks, alarms)
// and records it here; hook functions report back with PutLifecycleEventHookExecutionStatus, as they
// do on AWS. Everything is written to SQLite before a reply.
import { randomBytes, randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { Store } from '../store/database.js';
import * as E from './errors.js';

export const HOOK_STATUSES = ['Pending', 'InProgress', 'Succeeded', 'Failed', 'Skipped', 'Unknown'] as const;
const FINAL_HOOK = new Set(['Succeeded', 'Failed', 'Skipped']);
const FINAL_DEPLOYMENT = new Set(['Succeeded', 'Failed', 'Stopped']);
const HOOK_EVENTS = new Set(['BeforeAllowTraffic', 'AfterAllowTraffic']);

export interface Scope {
  accountId: string;
  region: string;
}

interface DeploymentRow {
  id: string;
  account: string;
  region: string;
  application: string;
  group_name: string;
  config_name: string | null;
  description: string | null;
  appspec: string;
  status: string;
  error_message: string | null;
  created_at: number;
  completed_at: number | null;
}

interface HookRow {
  id: string;
  deployment_id: string;
  event: string;
  function_name: string;
  status: string;
  updated_at: number;
}

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE codedeploy_deployments (
        id TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, application TEXT NOT NULL,
        group_name TEXT NOT NULL, config_name TEXT, description TEXT, appspec TEXT NOT NULL,
        status TEXT NOT NULL, error_message TEXT, created_at INTEGER NOT NULL, completed_at INTEGER
      );
      CREATE TABLE codedeploy_hooks (
        id TEXT PRIMARY KEY, deployment_id TEXT NOT NULL REFERENCES codedeploy_deployments(id),
        event TEXT NOT NULL, function_name TEXT NOT NULL, status TEXT NOT NULL, updated_at INTEGER NOT NULL
      );
      CREATE INDEX codedeploy_hooks_by_deployment ON codedeploy_hooks(deployment_id);
    `,
  },
];

type Input = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

export class CodeDeployCore {
  constructor(private readonly store: Store) {
    store.migrate('codedeploy', MIGRATIONS);
  }

  private deployment(scope: Scope, id: unknown): DeploymentRow {
    if (id === undefined || id === null || id === '') throw E.DeploymentIdRequired('Deployment ID is required.');
    if (typeof id !== 'string' || !/^d-[A-Z0-9]{9}$/.test(id)) throw E.InvalidDeploymentId(`Specified DeploymentId is not in the valid format: ${String(id)}`);
    const row = this.store.db.prepare('SELECT * FROM codedeploy_deployments WHERE id = ? AND account = ? AND region = ?').get(id, scope.accountId, scope.region) as DeploymentRow | undefined;
    if (!row) throw E.DeploymentDoesNotExist(`Deployment ${id} does not exist`);
    return row;
  }

  createDeployment(scope: Scope, input: Input) {
    const application = str(input.applicationName);
    if (!application) throw E.ApplicationNameRequired('Application name is required.');
    const group = str(input.deploymentGroupName);
    if (!group) throw E.DeploymentGroupNameRequired('Deployment group name is required.');
    const revision = input.revision as Input | undefined;
    if (!revision || typeof revision !== 'object') throw E.RevisionRequired('Revision is required.');
    if (revision.revisionType !== 'AppSpecContent') throw E.InvalidRevision('Only revisionType AppSpecContent is supported for the Lambda compute platform in Nimbus.');
    const content = str((revision.appSpecContent as Input | undefined)?.content);
    if (!content) throw E.InvalidRevision('appSpecContent.content is required.');
    const hooks = parseAppSpec(content);
    const id = `d-${randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 9).padEnd(9, '0')}`;
    const now = Date.now();
    this.store.db.transaction(() => {
      this.store.db
        .prepare('INSERT INTO codedeploy_deployments (id, account, region, application, group_name, config_name, description, appspec, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, scope.accountId, scope.region, application, group, str(input.deploymentConfigName) ?? null, str(input.description) ?? null, content, 'InProgress', now);
      const ins = this.store.db.prepare('INSERT INTO codedeploy_hooks (id, deployment_id, event, function_name, status, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
      for (const h of hooks) ins.run(randomUUID(), id, h.event, h.functionName, 'Pending', now);
    })();
    return { deploymentId: id };
  }

  getDeployment(scope: Scope, input: Input) {
    const d = this.deployment(scope, input.deploymentId);
    const hooks = this.store.db.prepare('SELECT * FROM codedeploy_hooks WHERE deployment_id = ? ORDER BY rowid').all(d.id) as HookRow[];
    return {
      deploymentInfo: {
        applicationName: d.application,
        deploymentGroupName: d.group_name,
        deploymentConfigName: d.config_name ?? undefined,
        deploymentId: d.id,
        status: d.status,
        description: d.description ?? undefined,
        computePlatform: 'Lambda',
        createTime: d.created_at / 1000,
        completeTime: d.completed_at === null ? undefined : d.completed_at / 1000,
        creator: 'user',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: d.appspec } },
        errorInformation: d.error_message ? { code: 'HOOK_EXECUTION_FAILURE', message: d.error_message } : undefined,
        // Nimbus extension: the hook executions, so the driver can hand their ids to the hooks.
        nimbusLifecycleHooks: hooks.map((h) => ({ lifecycleEventName: h.event, functionName: h.function_name, lifecycleEventHookExecutionId: h.id, status: h.status })),
      },
    };
  }

  putLifecycleEventHookExecutionStatus(scope: Scope, input: Input) {
    const d = this.deployment(scope, input.deploymentId);
    const hookId = input.lifecycleEventHookExecutionId;
    if (typeof hookId !== 'string' || hookId === '') throw E.InvalidHookExecutionId('A valid lifecycle event hook execution ID must be specified.');
    const status = input.status;
    if (typeof status !== 'string' || !(HOOK_STATUSES as readonly string[]).includes(status)) {
      throw E.InvalidHookExecutionStatus(`The lifecycle event hook execution status ${String(status)} is not valid; valid values: ${HOOK_STATUSES.join(', ')}`);
    }
    const hook = this.store.db.prepare('SELECT * FROM codedeploy_hooks WHERE id = ? AND deployment_id = ?').get(hookId, d.id) as HookRow | undefined;
    if (!hook) throw E.InvalidHookExecutionId(`Lifecycle event hook execution ID ${hookId} is not valid for deployment ${d.id}`);
    if (FINAL_HOOK.has(hook.status) || FINAL_DEPLOYMENT.has(d.status)) {
      throw E.LifecycleEventAlreadyCompleted(`Lifecycle event ${hook.event} of deployment ${d.id} has already completed`);
    }
    this.store.db.prepare('UPDATE codedeploy_hooks SET status = ?, updated_at = ? WHERE id = ?').run(status, Date.now(), hookId);
    return { lifecycleEventHookExecutionId: hookId };
  }

  stopDeployment(scope: Scope, input: Input) {
    const d = this.deployment(scope, input.deploymentId);
    if (FINAL_DEPLOYMENT.has(d.status)) throw E.DeploymentAlreadyCompleted(`Deployment ${d.id} has already completed`);
    this.finish(d.id, 'Stopped', 'Deployment stopped by user' + (input.autoRollbackEnabled === true ? ' (rolled back)' : ''));
    return { status: 'Succeeded', statusMessage: 'Deployment stopped' };
  }

  /** Nimbus extension used by the deployment driver: marks a deployment Succeeded or Failed. */
  completeDeployment(scope: Scope, input: Input) {
    const d = this.deployment(scope, input.deploymentId);
    if (FINAL_DEPLOYMENT.has(d.status)) throw E.DeploymentAlreadyCompleted(`Deployment ${d.id} has already completed`);
    if (input.status !== 'Succeeded' && input.status !== 'Failed') throw E.Validation('status must be Succeeded or Failed');
    this.finish(d.id, input.status, str(input.errorMessage) ?? null);
    return {};
  }

  /** Nimbus extension used by the driver when it invokes a hook: Pending → InProgress. */
  startHook(scope: Scope, input: Input) {
    const d = this.deployment(scope, input.deploymentId);
    const hook = this.store.db.prepare('SELECT * FROM codedeploy_hooks WHERE id = ? AND deployment_id = ?').get(String(input.lifecycleEventHookExecutionId), d.id) as HookRow | undefined;
    if (!hook) throw E.InvalidHookExecutionId(`Lifecycle event hook execution ID ${String(input.lifecycleEventHookExecutionId)} is not valid for deployment ${d.id}`);
    if (hook.status === 'Pending') this.store.db.prepare("UPDATE codedeploy_hooks SET status = 'InProgress', updated_at = ? WHERE id = ?").run(Date.now(), hook.id);
    return {};
  }

  private finish(id: string, status: string, message: string | null) {
    this.store.db.prepare('UPDATE codedeploy_deployments SET status = ?, error_message = ?, completed_at = ? WHERE id = ?').run(status, message, Date.now(), id);
  }
}

/** The Lambda AppSpec: `Hooks: [{BeforeAllowTraffic: fn}, {AfterAllowTraffic: fn}]`. */
export function parseAppSpec(content: string): Array<{ event: string; functionName: string }> {
  let doc: unknown;
  try {
    doc = content.trimStart().startsWith('{') ? JSON.parse(content) : parseYaml(content);
  } catch (err) {
    throw E.InvalidRevision(`The AppSpec content is not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object') throw E.InvalidRevision('The AppSpec content must be an object');
  const spec = doc as Record<string, unknown>;
  const resources = spec.Resources ?? spec.resources;
  if (!Array.isArray(resources) || resources.length !== 1) throw E.InvalidRevision('The AppSpec must list exactly one Lambda function in Resources');
  const hooks = spec.Hooks ?? spec.hooks ?? [];
  if (!Array.isArray(hooks)) throw E.InvalidRevision('AppSpec Hooks must be a list');
  const out: Array<{ event: string; functionName: string }> = [];
  for (const h of hooks) {
    if (!h || typeof h !== 'object') throw E.InvalidRevision('Each AppSpec hook must be {EventName: FunctionName}');
    for (const [event, fn] of Object.entries(h as Record<string, unknown>)) {
      if (!HOOK_EVENTS.has(event)) throw E.InvalidRevision(`Lambda AppSpec hooks are BeforeAllowTraffic and AfterAllowTraffic, not ${event}`);
      if (typeof fn !== 'string' || !fn) throw E.InvalidRevision(`Hook ${event} must name a Lambda function`);
      out.push({ event, functionName: fn });
    }
  }
  return out;
}
