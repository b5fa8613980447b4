// `nimbus deploy` / `nimbus delete`: a template plan applied to a running Nimbus as one unit.
// Order: change set (printed) → create/update in dependency order, one event line per step, the
// stack record saved after each → only when all succeeded, delete what the new template dropped or
// replaced. Any failure rolls back: new resources are deleted, updated ones get their previous
// properties back, so the stack returns to its previous state.
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { TemplateError, TemplateErrors } from '../template/errors.js';
import { PLACEHOLDER, evaluate, type EvalContext } from '../template/intrinsics.js';
import { planTemplate, type Plan, type ResourcePlan } from '../template/plan.js';
import { describeSkipped } from '../template/skip.js';
import { TYPES, hasAttribute } from '../template/types.js';
import type { Json } from '../template/yaml.js';
import type { Clients } from './clients.js';
import { PROVISIONERS, splitFunction, type ProvisionContext, type Provisioned } from './provisioners.js';
import { StackStore, projectDir, type ResourceRecord, type StackRecord } from './stack-store.js';
import { shiftTraffic } from './traffic.js';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetAccountSettingsCommand } from '@aws-sdk/client-lambda';
import { storeArtifact, storeBytes, zipInline } from './artifacts.js';

export const ACCOUNT_ID = '000000000000';

export interface DeployOptions {
  templatePath: string;
  stackName: string;
  overrides: ReadonlyMap<string, string>;
  clients: Clients;
  /** Print the change set and stop. */
  noExecute?: boolean;
  /** Multiplies gradual-deployment waits (1 = real minutes). */
  timeScale?: number;
  /** One line per event. */
  log: (line: string) => void;
  /** Only these logical ids (and what they depend on): `nimbus local invoke`. */
  only?: string[];
  /** Where `.nimbus-sam` lives; default: the project folder of the template. */
  project?: string;
  /** `--env-vars` (local commands): `{Parameters: {...}, <FunctionLogicalId>: {...}}`; as in sam, only
   * variables the template declares for a function are overridden. */
  envVars?: Record<string, Record<string, string>>;
  /** Leave out what Nimbus does not provide, with a notice per item (see template/skip.ts). */
  skipUnsupported?: boolean;
  /** Where those notices go when `log` is not shown (local commands); default `log`. */
  notice?: (line: string) => void;
  /** The templates of the stacks this one is nested in (a template may not nest itself). */
  nestedIn?: readonly string[];
}

export interface DeployResult {
  status: StackRecord['status'];
  outputs: StackRecord['outputs'];
  changes: Change[];
  record: StackRecord;
}

export interface Change {
  action: 'Add' | 'Modify' | 'Remove';
  logicalId: string;
  type: string;
  replacement: 'True' | 'False' | 'Conditional' | '';
}

export class DeployError extends Error {
  override readonly name = 'DeployError';
}

type Props = Record<string, unknown>;

const eventLine = (status: string, type: string, id: string, reason = '-') => `${status.padEnd(26)} ${type.padEnd(36)} ${id.padEnd(40)} ${reason}`;

function valuesFrom(records: Record<string, ResourceRecord>, plan: Plan) {
  const declared = new Map(plan.resources.map((r) => [r.logicalId, r.type]));
  return {
    has: (id: string) => declared.has(id),
    type: (id: string) => declared.get(id),
    ref: (id: string) => records[id]?.ref,
    attr: (id: string, name: string, path: string) => {
      const spec = TYPES[declared.get(id) ?? ''];
      if (spec && !hasAttribute(spec, name)) throw new TemplateError(path, `${declared.get(id)} ${id} has no attribute ${name}`);
      return records[id]?.attributes[name];
    },
  };
}

function contextFor(plan: Plan, records: Record<string, ResourceRecord>, planning: boolean): EvalContext {
  return { pseudo: plan.pseudo, parameters: plan.parameters, conditions: plan.conditions, mappings: plan.mappings, resources: valuesFrom(records, plan), planning, ...(plan.imports ? { imports: plan.imports } : {}) };
}

/** A SAM-generated deployment is a snapshot of its API's resolved body: record the body's digest,
 * so a body change (even one only visible after resolution) makes a new deployment. */
function trackBody(r: ResourcePlan, props: Props, records: Record<string, ResourceRecord>): Props {
  const apiId = r.metadata?.['Nimbus::TracksBodyOf'];
  if (r.type !== 'AWS::ApiGateway::Deployment' || typeof apiId !== 'string') return props;
  const body = records[apiId]?.properties.Body;
  if (body === undefined) return props;
  return { ...props, 'Nimbus::BodySha256': createHash('sha256').update(JSON.stringify(body)).digest('hex') };
}

function overrideEnv(props: Props, logicalId: string, envVars: Record<string, Record<string, string>>): Props {
  const declared = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
  const merged: Record<string, unknown> = { ...declared };
  // A function's entry is keyed by its logical id or, as SAM CLI also accepts, by its FunctionName.
  const own = envVars[logicalId] ?? (typeof props.FunctionName === 'string' && props.FunctionName !== 'Parameters' ? envVars[props.FunctionName] : undefined);
  for (const source of [envVars.Parameters ?? {}, own ?? {}]) {
    for (const [k, v] of Object.entries(source)) if (k in declared) merged[k] = String(v);
  }
  return { ...props, Environment: { ...(props.Environment as object), Variables: merged } };
}

/** Code locations become content addresses before comparing, so unchanged code is no change. */
function normalize(type: string, props: Props, artifactsDir: string): Props {
  if (type === 'AWS::Lambda::LayerVersion') {
    const content = (props.Content ?? {}) as Record<string, unknown>;
    if (typeof content['Nimbus::CodePath'] === 'string') return { ...props, Content: { 'Nimbus::Artifact': storeArtifact(artifactsDir, content['Nimbus::CodePath']).sha256 } };
    return props;
  }
  if (type !== 'AWS::Lambda::Function') return props;
  const code = (props.Code ?? {}) as Record<string, unknown>;
  if (typeof code['Nimbus::CodePath'] === 'string') return { ...props, Code: { 'Nimbus::Artifact': storeArtifact(artifactsDir, code['Nimbus::CodePath']).sha256 } };
  if (typeof code.ZipFile === 'string') return { ...props, Code: { 'Nimbus::Artifact': storeBytes(artifactsDir, zipInline(code.ZipFile, props.Runtime as string | undefined)).sha256 } };
  return props;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function needsReplacement(type: string, props: Props, old: Props): boolean {
  const spec = TYPES[type]!;
  if (!PROVISIONERS[type]!.update || spec.replaceOn.includes('*')) return true;
  return spec.replaceOn.some((k) => !same(props[k], old[k]));
}

/** Keeps only `only` and everything they depend on. */
function restrict(plan: Plan, only: string[] | undefined): ResourcePlan[] {
  if (!only) return plan.resources;
  const byId = new Map(plan.resources.map((r) => [r.logicalId, r]));
  const keep = new Set<string>();
  const visit = (id: string) => {
    if (keep.has(id)) return;
    keep.add(id);
    for (const d of byId.get(id)?.dependsOn ?? []) visit(d);
  };
  for (const id of only) visit(id);
  return plan.resources.filter((r) => keep.has(r.logicalId));
}

export function computeChangeSet(plan: Plan, resources: ResourcePlan[], previous: StackRecord | undefined, artifactsDir: string): Change[] {
  const old = previous?.resources ?? {};
  const changes: Change[] = [];
  const ctx = contextFor(plan, old, true);
  for (const r of resources) {
    const prev = old[r.logicalId];
    if (!prev || prev.type !== r.type) {
      changes.push({ action: 'Add', logicalId: r.logicalId, type: r.type, replacement: '' });
      continue;
    }
    const props = trackBody(r, normalize(r.type, evaluate(r.properties, `Resources.${r.logicalId}.Properties`, ctx) as Props, artifactsDir), old);
    if (same(props, prev.properties) && same(r.metadata, prev.metadata)) continue;
    const conditional = JSON.stringify(props).includes(PLACEHOLDER);
    const replace = needsReplacement(r.type, props, prev.properties);
    changes.push({ action: 'Modify', logicalId: r.logicalId, type: r.type, replacement: replace ? (conditional ? 'Conditional' : 'True') : conditional ? 'Conditional' : 'False' });
  }
  const wanted = new Set(resources.map((r) => r.logicalId));
  for (const [id, rec] of Object.entries(old)) if (!wanted.has(id)) changes.push({ action: 'Remove', logicalId: id, type: rec.type, replacement: '' });
  return changes;
}

export function printChangeSet(changes: Change[], log: (l: string) => void) {
  log('CloudFormation stack changeset');
  log(`${'Operation'.padEnd(12)} ${'LogicalResourceId'.padEnd(40)} ${'ResourceType'.padEnd(36)} Replacement`);
  if (!changes.length) log('  (no changes)');
  const sign = { Add: '+ Add', Modify: '* Modify', Remove: '- Delete' };
  for (const c of changes) log(`${sign[c.action].padEnd(12)} ${c.logicalId.padEnd(40)} ${c.type.padEnd(36)} ${c.replacement || 'N/A'}`);
}

const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

export async function deployStack(opts: DeployOptions): Promise<DeployResult> {
  if (!STACK_NAME.test(opts.stackName)) {
    throw new DeployError(`Stack name "${opts.stackName}" is invalid: it must start with a letter and contain only letters, digits and hyphens (at most 128 characters)`);
  }
  const exports = StackStore.forProject(opts.project ?? projectDir(resolve(opts.templatePath)));
  // Export name → the value another stack exports (read once per deploy: planning asks repeatedly).
  const imported = new Map<string, string | undefined>();
  const plan = planTemplate({
    templatePath: opts.templatePath,
    stackName: opts.stackName,
    region: opts.clients.region,
    accountId: ACCOUNT_ID,
    overrides: opts.overrides,
    skipUnsupported: opts.skipUnsupported ?? false,
    imports: (name) => {
      if (!imported.has(name)) imported.set(name, exports.exported(name, opts.stackName)?.value);
      return imported.get(name);
    },
  });
  for (const s of plan.skipped) (opts.notice ?? opts.log)(describeSkipped(s));
  const project = opts.project ?? projectDir(plan.templatePath);
  const store = StackStore.forProject(project);
  const artifactsDir = join(project, '.nimbus-sam', 'artifacts');
  const previous = store.get(opts.stackName);
  if (previous && previous.endpoint !== opts.clients.endpoint) {
    opts.log(`Note: stack ${opts.stackName} was last deployed to ${previous.endpoint}; deploying to ${opts.clients.endpoint}`);
  }
  if (previous && /IN_PROGRESS$|FAILED$/.test(previous.status)) {
    opts.log(`Warning: stack ${opts.stackName} is in ${previous.status} (an earlier run was interrupted); continuing from its record`);
  }
  const resources = restrict(plan, opts.only);
  const changes = computeChangeSet(plan, resources, previous, artifactsDir);
  printChangeSet(changes, opts.log);
  const baseline: Record<string, ResourceRecord> = structuredClone(previous?.resources ?? {});
  const isCreate = !previous || Object.keys(previous.resources).length === 0;
  const record: StackRecord = {
    stackName: opts.stackName,
    stackId: plan.pseudo.stackId,
    status: isCreate ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS',
    endpoint: opts.clients.endpoint,
    region: opts.clients.region,
    templatePath: plan.templatePath,
    parameters: Object.fromEntries(plan.parameters),
    resources: structuredClone(baseline),
    outputs: previous?.outputs ?? [],
    ...(imported.size ? { imports: [...imported.keys()].sort() } : {}),
    updatedAt: '',
  };
  checkExportNames(plan, exports, opts.stackName);
  if (opts.noExecute) return { status: previous?.status ?? 'CREATE_COMPLETE', outputs: record.outputs, changes, record };
  if (!changes.length && previous && /COMPLETE$/.test(previous.status) && !/ROLLBACK/.test(previous.status)) {
    opts.log(`No changes to deploy. Stack ${opts.stackName} is up to date`);
    return { status: previous.status, outputs: previous.outputs, changes, record: previous };
  }

  await reachable(opts.clients);
  const pctx: ProvisionContext = {
    clients: opts.clients, stackName: opts.stackName, accountId: ACCOUNT_ID, region: opts.clients.region, artifactsDir, timeScale: opts.timeScale ?? 1, log: opts.log,
    nested: {
      async deploy(templateUrl, stackName, parameters) {
        const templatePath = resolve(dirname(plan.templatePath), templateUrl);
        const chain = [...(opts.nestedIn ?? []), plan.templatePath];
        if (chain.includes(templatePath)) throw new DeployError(`${templateUrl} nests itself (through ${chain.join(' → ')})`);
        const res = await deployStack({
          ...opts,
          templatePath,
          nestedIn: chain,
          stackName,
          overrides: parameters,
          project,
          only: undefined,
          log: (line) => opts.log(`  ${stackName} | ${line}`),
        });
        return { stackId: res.record.stackId, outputs: res.outputs };
      },
      remove: (stackName) => deleteStack({ stackName, clients: opts.clients, project, log: (line) => opts.log(`  ${stackName} | ${line}`) }),
    },
  };
  type Step = { kind: 'create'; id: string } | { kind: 'update'; id: string; before: ResourceRecord } | { kind: 'replace'; id: string; before: ResourceRecord };
  const journal: Step[] = [];
  let seq = Math.max(0, ...Object.values(baseline).map((r) => (r as ResourceRecord & { seq?: number }).seq ?? 0));
  store.save(record);
  opts.log('');
  opts.log('CloudFormation events from stack operations');
  opts.log(eventLine('ResourceStatus', 'ResourceType', 'LogicalResourceId', 'ResourceStatusReason'));
  opts.log(eventLine(record.status, 'AWS::CloudFormation::Stack', opts.stackName, 'User Initiated'));

  let failure: Error | undefined;
  for (const r of resources) {
    const prov = PROVISIONERS[r.type]!;
    const prev = record.resources[r.logicalId];
    let props: Props;
    let metadata: Record<string, unknown> | undefined;
    try {
      const ctx = contextFor(plan, record.resources, false);
      props = trackBody(r, normalize(r.type, evaluate(r.properties, `Resources.${r.logicalId}.Properties`, ctx) as Props, artifactsDir), record.resources);
      metadata = r.metadata ? (evaluate(r.metadata, `Resources.${r.logicalId}.Metadata`, ctx) as Record<string, unknown>) : undefined;
      if (opts.envVars && r.type === 'AWS::Lambda::Function') props = overrideEnv(props, r.logicalId, opts.envVars);
    } catch (err) {
      failure = err as Error;
      opts.log(eventLine(prev ? 'UPDATE_FAILED' : 'CREATE_FAILED', r.type, r.logicalId, (err as Error).message));
      break;
    }
    const asRecord = (p: Provisioned): ResourceRecord & { seq: number } => ({
      type: r.type, physicalId: p.physicalId, ref: p.ref, attributes: p.attributes, properties: p.properties ?? props,
      ...(metadata ? { metadata } : {}), ...(r.deletionPolicy ? { deletionPolicy: r.deletionPolicy } : {}), seq: ++seq,
    });
    try {
      if (!prev || prev.type !== r.type) {
        opts.log(eventLine('CREATE_IN_PROGRESS', r.type, r.logicalId));
        const out = await prov.create(pctx, r.logicalId, props);
        record.resources[r.logicalId] = asRecord(out);
        journal.push({ kind: 'create', id: r.logicalId });
        store.save(record);
        opts.log(eventLine('CREATE_COMPLETE', r.type, r.logicalId));
      } else if (!same(props, prev.properties) || !same(metadata, prev.metadata)) {
        if (needsReplacement(r.type, props, prev.properties)) {
          opts.log(eventLine('UPDATE_IN_PROGRESS', r.type, r.logicalId, 'Requested update requires the creation of a new physical resource; hence creating one.'));
          const out = await prov.create(pctx, r.logicalId, props);
          journal.push({ kind: 'replace', id: r.logicalId, before: prev });
          record.resources[r.logicalId] = asRecord(out);
        } else {
          opts.log(eventLine('UPDATE_IN_PROGRESS', r.type, r.logicalId));
          const current: Provisioned = { physicalId: prev.physicalId, ref: prev.ref, attributes: prev.attributes };
          const gradual = r.type === 'AWS::Lambda::Alias' && metadata?.['Nimbus::DeploymentPreference'] !== undefined && props.FunctionVersion !== prev.properties.FunctionVersion;
          journal.push({ kind: 'update', id: r.logicalId, before: prev });
          if (gradual) {
            await gradualShift(opts, r.logicalId, props, prev, metadata!['Nimbus::DeploymentPreference'] as Record<string, unknown>);
            record.resources[r.logicalId] = { ...asRecord(current), properties: props };
          } else {
            const out = await prov.update!(pctx, r.logicalId, current, props, prev.properties);
            record.resources[r.logicalId] = asRecord(out);
          }
        }
        store.save(record);
        opts.log(eventLine('UPDATE_COMPLETE', r.type, r.logicalId));
      }
    } catch (err) {
      failure = err as Error;
      opts.log(eventLine(prev ? 'UPDATE_FAILED' : 'CREATE_FAILED', r.type, r.logicalId, describe(err)));
      break;
    }
  }

  if (failure) {
    await rollback(opts, record, journal, baseline, pctx, store, isCreate);
    throw new DeployError(`Failed to ${isCreate ? 'create' : 'update'} stack ${opts.stackName}: ${describe(failure)}. The stack was rolled back (${record.status}).`);
  }

  // Cleanup: resources the template dropped, and the old side of replacements.
  const wanted = new Set(resources.map((r) => r.logicalId));
  const doomed: Array<{ id: string; rec: ResourceRecord }> = [];
  for (const step of journal) if (step.kind === 'replace') doomed.push({ id: step.id, rec: step.before });
  if (!opts.only) for (const [id, rec] of Object.entries(baseline)) if (!wanted.has(id)) doomed.push({ id, rec });
  doomed.sort((a, b) => ((b.rec as { seq?: number }).seq ?? 0) - ((a.rec as { seq?: number }).seq ?? 0));
  if (doomed.length) opts.log(eventLine(`${isCreate ? 'CREATE' : 'UPDATE'}_COMPLETE_CLEANUP_IN_PROGRESS`, 'AWS::CloudFormation::Stack', opts.stackName));
  for (const { id, rec } of doomed) {
    if (!wanted.has(id)) delete record.resources[id];
    if (rec.deletionPolicy === 'Retain') {
      opts.log(eventLine('DELETE_SKIPPED', rec.type, id));
      continue;
    }
    opts.log(eventLine('DELETE_IN_PROGRESS', rec.type, id));
    try {
      await PROVISIONERS[rec.type]!.delete(pctx, { physicalId: rec.physicalId, ref: rec.ref, attributes: rec.attributes }, rec.properties);
      opts.log(eventLine('DELETE_COMPLETE', rec.type, id));
    } catch (err) {
      opts.log(eventLine('DELETE_FAILED', rec.type, id, describe(err)));
    }
    store.save(record);
  }
  try {
    record.outputs = plan.outputs.map((o) => {
      const v = evaluate(o.value, `Outputs.${o.name}.Value`, contextFor(plan, record.resources, false));
      const exportName = o.exportName === undefined ? undefined : evaluate(o.exportName, `Outputs.${o.name}.Export.Name`, contextFor(plan, record.resources, false));
      return {
        OutputKey: o.name,
        OutputValue: Array.isArray(v) ? v.join(',') : String(v),
        ...(o.description ? { Description: o.description } : {}),
        ...(typeof exportName === 'string' ? { ExportName: exportName } : {}),
      };
    });
  } catch (err) {
    record.outputs = [];
    opts.log(`Warning: ${describe(err)}`);
  }
  record.status = isCreate ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE';
  store.save(record);
  opts.log(eventLine(record.status, 'AWS::CloudFormation::Stack', opts.stackName));
  return { status: record.status, outputs: record.outputs, changes, record };
}

async function gradualShift(opts: DeployOptions, logicalId: string, props: Props, prev: ResourceRecord, pref: Record<string, unknown>) {
  const hooks = (pref.Hooks ?? {}) as { PreTraffic?: string; PostTraffic?: string };
  const alarms = ((pref.Alarms ?? []) as unknown[]).map(String);
  if (alarms.length) {
    const known = await opts.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: alarms }));
    const found = new Set((known.MetricAlarms ?? []).map((a) => a.AlarmName));
    const missing = alarms.filter((a) => !found.has(a));
    if (missing.length) throw new DeployError(`DeploymentPreference of ${logicalId} names alarms that do not exist: ${missing.join(', ')}`);
  }
  await shiftTraffic({
    clients: opts.clients,
    logicalId,
    functionName: splitFunction(String(props.FunctionName)).FunctionName,
    aliasName: String(props.Name),
    fromVersion: String(prev.properties.FunctionVersion),
    toVersion: String(props.FunctionVersion),
    type: String(pref.Type),
    hooks,
    alarms,
    timeScale: opts.timeScale ?? 1,
    log: opts.log,
  });
}

async function rollback(
  opts: DeployOptions,
  record: StackRecord,
  journal: Array<{ kind: string; id: string; before?: ResourceRecord }>,
  baseline: Record<string, ResourceRecord>,
  pctx: ProvisionContext,
  store: StackStore,
  isCreate: boolean,
) {
  record.status = isCreate ? 'ROLLBACK_IN_PROGRESS' : 'UPDATE_ROLLBACK_IN_PROGRESS';
  store.save(record);
  opts.log(eventLine(record.status, 'AWS::CloudFormation::Stack', opts.stackName, 'The following resource(s) failed; rolling back'));
  let failed = false;
  for (const step of [...journal].reverse()) {
    const cur = record.resources[step.id]!;
    const prov = PROVISIONERS[cur.type]!;
    try {
      if (step.kind === 'create' || step.kind === 'replace') {
        opts.log(eventLine('DELETE_IN_PROGRESS', cur.type, step.id));
        await prov.delete(pctx, { physicalId: cur.physicalId, ref: cur.ref, attributes: cur.attributes }, cur.properties);
        if (step.kind === 'create') delete record.resources[step.id];
        else record.resources[step.id] = step.before!;
        opts.log(eventLine('DELETE_COMPLETE', cur.type, step.id));
      } else {
        const before = step.before!;
        opts.log(eventLine('UPDATE_IN_PROGRESS', cur.type, step.id, 'Rolling back to the previous properties'));
        await prov.update!(pctx, step.id, { physicalId: cur.physicalId, ref: cur.ref, attributes: cur.attributes }, before.properties, cur.properties);
        record.resources[step.id] = before;
        opts.log(eventLine('UPDATE_COMPLETE', cur.type, step.id));
      }
    } catch (err) {
      failed = true;
      opts.log(eventLine(step.kind === 'update' ? 'UPDATE_FAILED' : 'DELETE_FAILED', cur.type, step.id, describe(err)));
    }
    store.save(record);
  }
  if (!failed) record.resources = Object.keys(record.resources).length ? record.resources : structuredClone(baseline);
  record.status = failed ? (isCreate ? 'ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_FAILED') : isCreate ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE';
  store.save(record);
  opts.log(eventLine(record.status, 'AWS::CloudFormation::Stack', opts.stackName));
}

/** Fails fast, before anything is recorded, when no Nimbus answers at the endpoint. */
async function reachable(clients: Clients): Promise<void> {
  try {
    await clients.lambda.send(new GetAccountSettingsCommand({}));
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined) return; // it answered
    throw new DeployError(`Cannot reach Nimbus at ${clients.endpoint} (${(err as Error).message}); start it with \`nimbus start\` or pass --endpoint-url`);
  }
}

export interface DeleteOptions {
  stackName: string;
  clients: Clients;
  project: string;
  log: (line: string) => void;
}

/** An export name belongs to one stack (AWS refuses a second exporter). Names known only once the
 * stack's resources exist are checked by AWS later; here only those known before deploying are. */
function checkExportNames(plan: Plan, store: StackStore, stackName: string): void {
  for (const o of plan.outputs) {
    if (o.exportName === undefined) continue;
    // With no resources deployed yet, a name that depends on one evaluates to a placeholder: no owner.
    const name = evaluate(o.exportName, `Outputs.${o.name}.Export.Name`, contextFor(plan, {}, true));
    const owner = typeof name === 'string' ? store.exported(name, stackName)?.stack : undefined;
    if (owner) throw new DeployError(`Export with name ${name as string} is already exported by stack ${owner}`);
  }
}

/** Deletes every resource of a stack in reverse creation order, then its record. */
export async function deleteStack(opts: DeleteOptions): Promise<void> {
  const store = StackStore.forProject(opts.project);
  const record = store.get(opts.stackName);
  if (!record) throw new DeployError(`Stack ${opts.stackName} does not exist (no record in ${store.dir})`);
  for (const o of record.outputs) {
    const user = o.ExportName === undefined ? undefined : store.importer(o.ExportName, opts.stackName);
    if (user) throw new DeployError(`Export ${o.ExportName} cannot be deleted as it is in use by ${user}`);
  }
  await reachable(opts.clients);
  const pctx: ProvisionContext = {
    clients: opts.clients, stackName: opts.stackName, accountId: ACCOUNT_ID, region: record.region, artifactsDir: join(opts.project, '.nimbus-sam', 'artifacts'),
    nested: {
      deploy: () => Promise.reject(new Error('a stack being deleted deploys nothing')),
      remove: (stackName) => deleteStack({ ...opts, stackName, log: (line) => opts.log(`  ${stackName} | ${line}`) }),
    },
  };
  record.status = 'DELETE_IN_PROGRESS';
  store.save(record);
  opts.log(eventLine('DELETE_IN_PROGRESS', 'AWS::CloudFormation::Stack', opts.stackName, 'User Initiated'));
  const entries = Object.entries(record.resources).sort(([, a], [, b]) => ((b as { seq?: number }).seq ?? 0) - ((a as { seq?: number }).seq ?? 0));
  let failed = false;
  for (const [id, rec] of entries) {
    // Versions go with their function or state machine whatever their policy, as on AWS.
    if (rec.deletionPolicy === 'Retain' && rec.type !== 'AWS::Lambda::Version' && rec.type !== 'AWS::StepFunctions::StateMachineVersion') {
      opts.log(eventLine('DELETE_SKIPPED', rec.type, id));
      delete record.resources[id];
      continue;
    }
    opts.log(eventLine('DELETE_IN_PROGRESS', rec.type, id));
    try {
      // Versions go with their function; deleting them one by one is only needed when retained.
      if (rec.type !== 'AWS::Lambda::Version') await PROVISIONERS[rec.type]!.delete(pctx, { physicalId: rec.physicalId, ref: rec.ref, attributes: rec.attributes }, rec.properties);
      delete record.resources[id];
      opts.log(eventLine('DELETE_COMPLETE', rec.type, id));
    } catch (err) {
      failed = true;
      opts.log(eventLine('DELETE_FAILED', rec.type, id, describe(err)));
    }
    store.save(record);
  }
  if (failed) {
    record.status = 'DELETE_FAILED';
    store.save(record);
    throw new DeployError(`Failed to delete stack ${opts.stackName}; see the events above`);
  }
  store.remove(opts.stackName);
  opts.log(eventLine('DELETE_COMPLETE', 'AWS::CloudFormation::Stack', opts.stackName));
}

export function describe(err: unknown): string {
  if (err instanceof TemplateErrors || err instanceof TemplateError) return err.message;
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(err)}${status ? ` (HTTP ${status})` : ''}`;
}

export type { Json };
