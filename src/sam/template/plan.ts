// Template → plan: parse, validate every section, apply the SAM transform, evaluate conditions, find
// dependencies (Ref, GetAtt, Sub, DependsOn) and order resources. All errors are collected and
// thrown before anything is deployed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { TemplateError, TemplateErrors, joinPath } from './errors.js';
import { PLACEHOLDER, conditionValue, evaluate, type EvalContext, type Pseudo, type ResourceValues } from './intrinsics.js';
import { resolveParameters } from './parameters.js';
import { applyShortcuts, transformServerless, type RefShortcuts } from './sam.js';
import { parseSchedule } from '../schedule.js';
import { schedulerExpressionForRule, schedulerLimits } from './scheduler-expr.js';
import { TYPES, hasAttribute } from './types.js';
import { parseTemplateText, type Json } from './yaml.js';
import { TOOL_DIRS } from '../tool-dirs.js';
import { expandIncludes } from './include.js';
import { withoutConnectors } from './connectors.js';
import { unsupportedIn, withoutSkipped, type Skipped } from './skip.js';

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface ResourcePlan {
  logicalId: string;
  type: string;
  /** Properties with intrinsics still in place (evaluated at deploy time). */
  properties: Obj;
  dependsOn: string[];
  metadata: Obj | undefined;
  deletionPolicy: string | undefined;
}

export interface Plan {
  templatePath: string;
  templateDir: string;
  description: string | undefined;
  pseudo: Pseudo;
  parameters: Map<string, string | string[]>;
  /** Parameter names declared NoEcho (masked in output). */
  noEcho: Set<string>;
  conditions: Map<string, boolean>;
  mappings: Obj;
  /** Resources whose Condition holds, in dependency order. */
  resources: ResourcePlan[];
  outputs: Array<{ name: string; value: Json; description: string | undefined; exportName: Json | undefined }>;
  /** What `skipUnsupported` left out. */
  skipped: Skipped[];
  imports?: (name: string) => string | undefined;
}

export interface PlanOptions {
  templatePath: string;
  stackName: string;
  region: string;
  accountId: string;
  overrides: ReadonlyMap<string, string>;
  /**
   * Leave out resources and event sources Nimbus does not provide instead of failing, as SAM CLI's
   * local commands do (see ./skip.ts).
   */
  skipUnsupported?: boolean;
  /** Values exported by other stacks, for Fn::ImportValue. */
  imports?: (name: string) => string | undefined;
  /** Parameters without Default or value stand for unknown values instead of failing (`nimbus build`). */
  allowUnsetParameters?: boolean;
}

const TOP_LEVEL = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs', 'Globals']);
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy']);
const LOGICAL_ID = /^[A-Za-z0-9]+$/;
const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';
const SKIP_HINT = 'What Nimbus does not provide can be left out: `nimbus local invoke` / `local start-api` do so, as SAM CLI does, and so does `nimbus deploy --skip-unsupported`.';

export function loadTemplate(templatePath: string): Obj {
  if (!existsSync(templatePath)) throw new TemplateErrors([new TemplateError('', `template file ${templatePath} does not exist`)]);
  try {
    return parseTemplateText(readFileSync(templatePath, 'utf8'), templatePath);
  } catch (err) {
    if (err instanceof TemplateError) throw new TemplateErrors([err]);
    throw err;
  }
}

export function planTemplate(opts: PlanOptions): Plan {
  const skipped: Skipped[] = [];
  for (;;) {
    try {
      return planOnce(opts, skipped);
    } catch (err) {
      if (!(err instanceof TemplateErrors)) throw err;
      // Leaving something out can only reveal what referred to it, which gets a stand-in: one
      // more pass finds nothing new, and a template without unsupported parts fails as usual.
      const more = unsupportedIn(err.errors, loadTemplate(resolve(opts.templatePath)));
      if (!opts.skipUnsupported && more.length > 0) throw new TemplateErrors(err.errors, SKIP_HINT);
      if (!opts.skipUnsupported || more.length === 0 || skipped.length > 0) throw err;
      skipped.push(...more);
    }
  }
}

function planOnce(opts: PlanOptions, skipped: Skipped[]): Plan {
  const templatePath = resolve(opts.templatePath);
  const templateDir = dirname(templatePath);
  const errors: TemplateError[] = [];
  const loaded = expandIncludes(loadTemplate(templatePath), templateDir, errors) as Obj;
  const t = skipped.length ? withoutSkipped(loaded, skipped, opts.region, opts.accountId) : loaded;
  const err = (path: string, msg: string) => errors.push(new TemplateError(path, msg));

  for (const k of Object.keys(t)) if (!TOP_LEVEL.has(k)) err(k, 'is not a valid template section');
  if (t.AWSTemplateFormatVersion !== undefined && t.AWSTemplateFormatVersion !== '2010-09-09') {
    err('AWSTemplateFormatVersion', `must be "2010-09-09", got ${JSON.stringify(t.AWSTemplateFormatVersion)}`);
  }
  const transforms = t.Transform === undefined ? [] : Array.isArray(t.Transform) ? t.Transform : [t.Transform];
  for (const tr of transforms) {
    if (tr !== SAM_TRANSFORM && tr !== 'AWS::LanguageExtensions') err('Transform', `transform ${JSON.stringify(tr)} is not supported by Nimbus (only ${SAM_TRANSFORM})`);
  }
  const sam = transforms.includes(SAM_TRANSFORM);
  for (const section of ['Parameters', 'Mappings', 'Conditions', 'Outputs', 'Globals'] as const) {
    if (t[section] !== undefined && !isObj(t[section])) err(section, 'must be a mapping');
  }
  if (t.Globals !== undefined && !sam) err('Globals', `needs Transform: ${SAM_TRANSFORM}`);
  if (!isObj(t.Resources) || Object.keys(t.Resources).length === 0) err('Resources', 'is required and must declare at least one resource');
  const rawResources: Record<string, Obj> = {};
  const declaredResources = isObj(t.Resources) ? t.Resources : {};
  for (const [id, r] of Object.entries(sam ? withoutConnectors(declaredResources, errors) : declaredResources)) {
    const p = joinPath('Resources', id);
    if (!LOGICAL_ID.test(id)) err(p, 'logical ids must be alphanumeric (A-Za-z0-9)');
    if (!isObj(r)) {
      err(p, 'must be a mapping with a Type');
      continue;
    }
    // The SAM transform reads only the attributes it knows on its own resources and drops the rest
    // (samtranslator's Resource.from_dict), so `Description:` beside `Type:` — as published patterns
    // write it — deploys on AWS; CloudFormation itself checks the resources it receives.
    if (typeof r.Type !== 'string' || !r.Type.startsWith('AWS::Serverless::')) {
      for (const k of Object.keys(r)) if (!RESOURCE_KEYS.has(k)) err(joinPath(p, k), 'is not a valid resource attribute');
    }
    if (typeof r.Type !== 'string') {
      err(joinPath(p, 'Type'), 'is required');
      continue;
    }
    if (r.Type.startsWith('AWS::Serverless::') && !sam) err(joinPath(p, 'Type'), `${r.Type} needs Transform: ${SAM_TRANSFORM}`);
    if (r.Properties !== undefined && !isObj(r.Properties)) err(joinPath(p, 'Properties'), 'must be a mapping');
    rawResources[id] = r;
  }
  const mappings = isObj(t.Mappings) ? t.Mappings : {};
  for (const [name, m] of Object.entries(mappings)) {
    if (!isObj(m) || Object.values(m).some((v) => !isObj(v))) err(joinPath('Mappings', name), 'must be a two-level mapping (TopLevelKey → SecondLevelKey → value)');
  }

  const parameters = resolveParameters(isObj(t.Parameters) ? t.Parameters : undefined, opts.overrides, errors, opts.allowUnsetParameters ? PLACEHOLDER : undefined);
  const noEcho = new Set(Object.entries(isObj(t.Parameters) ? t.Parameters : {}).filter(([, d]) => isObj(d) && (d.NoEcho === true || d.NoEcho === 'true')).map(([k]) => k));
  const pseudo: Pseudo = {
    region: opts.region,
    accountId: opts.accountId,
    stackName: opts.stackName,
    stackId: `arn:aws:cloudformation:${opts.region}:${opts.accountId}:stack/${opts.stackName}/${createHash('sha256').update(opts.stackName).digest('hex').slice(0, 8)}-nimbus`,
    partition: 'aws',
    urlSuffix: 'amazonaws.com',
  };

  // Conditions are evaluated lazily so one may refer to another in any order; cycles are reported.
  const condDecls = isObj(t.Conditions) ? t.Conditions : {};
  const conditions = new Map<string, boolean>();
  const evaluating = new Set<string>();
  const lazyConditions = new (class extends Map<string, boolean> {
    override get(name: string): boolean | undefined {
      if (conditions.has(name)) return conditions.get(name);
      if (!(name in condDecls)) return undefined;
      if (evaluating.has(name)) throw new TemplateError(joinPath('Conditions', name), `condition ${name} refers to itself through ${[...evaluating].join(' → ')}`);
      evaluating.add(name);
      try {
        const v = conditionValue(condDecls[name], joinPath('Conditions', name), { ...ctxBase, conditions: lazyConditions });
        conditions.set(name, v);
        return v;
      } finally {
        evaluating.delete(name);
      }
    }
  })();

  let declared: Record<string, Obj> = rawResources;
  const resourceValues = (): ResourceValues => ({
    has: (id) => id in declared,
    type: (id) => declared[id]?.Type as string | undefined,
    ref: () => undefined,
    attr: (id, name, path) => {
      const type = declared[id]?.Type as string;
      const spec = TYPES[type];
      if (spec && !hasAttribute(spec, name)) throw new TemplateError(path, `${type} ${id} has no attribute ${name} (it has: ${spec.attributes.join(', ') || 'none'})`);
      return undefined;
    },
  });
  const ctxBase: EvalContext = { pseudo, parameters, conditions: new Map(), mappings, resources: resourceValues(), planning: true, ...(opts.imports ? { imports: opts.imports } : {}) };
  const ctx: EvalContext = { ...ctxBase, conditions: lazyConditions };
  const guard = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof TemplateError) {
        errors.push(e);
        return undefined;
      }
      throw e;
    }
  };
  for (const name of Object.keys(condDecls)) guard(() => lazyConditions.get(name));
  if (errors.length) throw new TemplateErrors(errors);

  const shortcuts: RefShortcuts = new Map();
  if (sam) {
    declared = transformServerless({
      resources: rawResources,
      globals: isObj(t.Globals) ? t.Globals : undefined,
      resolve: (v, path) => guard(() => evaluate(v, path, ctx)) as Json,
      tryResolve: (v) => {
        try {
          return evaluate(v, '', { ...ctx, resources: { has: () => true, type: () => undefined, ref: () => undefined, attr: () => undefined } }) as Json;
        } catch {
          return v;
        }
      },
      files: fileAccess(templateDir),
      errors,
      accountId: opts.accountId,
    }, shortcuts);
    for (const [id, r] of Object.entries(declared)) declared[id] = applyShortcuts(r, shortcuts) as Obj;
    if (isObj(t.Outputs)) t.Outputs = applyShortcuts(t.Outputs, shortcuts) as Obj;
    ctx.resources = resourceValues();
  }

  const included: Record<string, Obj> = {};
  for (const [id, r] of Object.entries(declared)) {
    const p = joinPath('Resources', id);
    if (r.Condition !== undefined) {
      if (typeof r.Condition !== 'string' || !(r.Condition in condDecls)) {
        err(joinPath(p, 'Condition'), `condition ${JSON.stringify(r.Condition)} is not declared in Conditions`);
        continue;
      }
      if (!lazyConditions.get(r.Condition)) continue;
    }
    included[id] = r;
  }
  const resources: ResourcePlan[] = [];
  const deps = new Map<string, Set<string>>();
  for (const [id, r] of Object.entries(included)) {
    const p = joinPath('Resources', id);
    const type = r.Type as string;
    const spec = TYPES[type];
    if (!spec) {
      err(joinPath(p, 'Type'), `resource type ${type} is not supported by Nimbus (supported: ${Object.keys(TYPES).join(', ')}, AWS::Serverless::Function/Api/StateMachine)`);
      continue;
    }
    const props = (r.Properties ?? {}) as Obj;
    for (const k of spec.required) if (props[k] === undefined) err(joinPath(joinPath(p, 'Properties'), k), `is required for ${type}`);
    for (const k of Object.keys(props)) if (!spec.known.includes(k) && !k.startsWith('Nimbus::')) err(joinPath(joinPath(p, 'Properties'), k), `is not a property of ${type}`);
    const d = new Set<string>();
    const resolved = guard(() => evaluate(props, joinPath(p, 'Properties'), { ...ctx, deps: d })) as Obj | undefined;
    if (type === 'AWS::Scheduler::Schedule' && resolved) {
      for (const [k, why] of schedulerLimits(resolved)) err(joinPath(joinPath(p, 'Properties'), k), why);
    }
    const scheduled = type === 'AWS::Events::Rule' || type === 'AWS::Scheduler::Schedule';
    if (scheduled && typeof resolved?.ScheduleExpression === 'string' && !resolved.ScheduleExpression.includes(PLACEHOLDER) && !resolved.ScheduleExpression.trim().startsWith('at(')) {
      guard(() => {
        try {
          const expr = resolved.ScheduleExpression as string;
          parseSchedule(type === 'AWS::Scheduler::Schedule' ? schedulerExpressionForRule(expr) : expr);
        } catch (e) {
          throw new TemplateError(joinPath(joinPath(p, 'Properties'), 'ScheduleExpression'), (e as Error).message);
        }
      });
    }
    // Deployment preferences name hook functions and alarms: the alias waits for them.
    if (isObj(r.Metadata)) guard(() => evaluate(r.Metadata, joinPath(p, 'Metadata'), { ...ctx, deps: d }));
    const dependsOn = r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
    for (const [i, dep] of dependsOn.entries()) {
      if (typeof dep !== 'string' || !(dep in declared)) err(joinPath(p, `DependsOn${dependsOn.length > 1 || Array.isArray(r.DependsOn) ? `[${i}]` : ''}`), `DependsOn ${JSON.stringify(dep)} is not a resource in this template`);
      else d.add(dep);
    }
    for (const dep of d) {
      if (!(dep in included)) err(p, `depends on ${dep}, which is excluded by its Condition`);
    }
    if (d.has(id)) {
      err(joinPath(p, 'Properties'), `${id} refers to itself (circular dependency)`);
      d.delete(id);
    }
    deps.set(id, d);
    resources.push({
      logicalId: id,
      type,
      properties: props,
      dependsOn: [...d],
      metadata: isObj(r.Metadata) ? r.Metadata : undefined,
      deletionPolicy: typeof r.DeletionPolicy === 'string' ? r.DeletionPolicy : undefined,
    });
  }
  const outputs: Plan['outputs'] = [];
  for (const [name, o] of Object.entries(isObj(t.Outputs) ? t.Outputs : {})) {
    const p = joinPath('Outputs', name);
    if (!isObj(o) || o.Value === undefined) {
      err(p, 'an output needs a Value');
      continue;
    }
    if (o.Condition !== undefined) {
      if (typeof o.Condition !== 'string' || !(o.Condition in condDecls)) {
        err(joinPath(p, 'Condition'), `condition ${JSON.stringify(o.Condition)} is not declared in Conditions`);
        continue;
      }
      if (!lazyConditions.get(o.Condition)) continue;
    }
    const d = new Set<string>();
    guard(() => evaluate(o.Value, joinPath(p, 'Value'), { ...ctx, deps: d }));
    for (const dep of d) if (!(dep in included)) err(joinPath(p, 'Value'), `refers to ${dep}, which is excluded by its Condition`);
    outputs.push({ name, value: o.Value, description: typeof o.Description === 'string' ? o.Description : undefined, exportName: isObj(o.Export) ? o.Export.Name : undefined });
  }
  if (errors.length) throw new TemplateErrors(errors);
  const order = topologicalOrder(deps);
  const byId = new Map(resources.map((r) => [r.logicalId, r]));
  return {
    templatePath,
    templateDir,
    description: typeof t.Description === 'string' ? t.Description : undefined,
    pseudo,
    parameters,
    noEcho,
    conditions: new Map(Object.keys(condDecls).map((c) => [c, lazyConditions.get(c)!])),
    mappings,
    resources: order.map((id) => byId.get(id)!),
    outputs,
    skipped,
    ...(opts.imports ? { imports: opts.imports } : {}),
  };
}

/** Kahn's algorithm with a stable order; a cycle is reported with its members. */
export function topologicalOrder(deps: Map<string, Set<string>>): string[] {
  const remaining = new Map([...deps].map(([k, v]) => [k, new Set([...v].filter((d) => deps.has(d)))]));
  const order: string[] = [];
  while (remaining.size) {
    const ready = [...remaining].filter(([, d]) => d.size === 0).map(([k]) => k).sort();
    if (!ready.length) {
      const cycle = findCycle(remaining);
      throw new TemplateErrors([new TemplateError('Resources', `circular dependency between resources: ${cycle.join(' → ')}`)]);
    }
    for (const id of ready) {
      order.push(id);
      remaining.delete(id);
      for (const d of remaining.values()) d.delete(id);
    }
  }
  return order;
}

function findCycle(graph: Map<string, Set<string>>): string[] {
  const start = [...graph.keys()].sort()[0]!;
  const seen: string[] = [];
  let cur = start;
  while (!seen.includes(cur)) {
    seen.push(cur);
    cur = [...graph.get(cur)!].sort()[0]!;
  }
  return [...seen.slice(seen.indexOf(cur)), cur];
}

/** File access for the SAM transform, relative to the template's folder. */
export function fileAccess(templateDir: string) {
  return {
    locate(uri: string, path: string, kind: 'dir-or-zip' | 'file'): string {
      const abs = isAbsolute(uri) ? uri : join(templateDir, uri);
      if (!existsSync(abs)) throw new TemplateError(path, `${uri} does not exist (looked in ${abs})`);
      const st = statSync(abs);
      if (kind === 'file' && !st.isFile()) throw new TemplateError(path, `${uri} is not a file`);
      if (kind === 'dir-or-zip' && !st.isDirectory() && extname(abs) !== '.zip') throw new TemplateError(path, `${uri} must be a folder or a .zip file`);
      return abs;
    },
    hash: hashPath,
    readDocument(absPath: string, path: string): Json {
      try {
        return parseTemplateText(readFileSync(absPath, 'utf8'), absPath);
      } catch (e) {
        if (e instanceof TemplateError) throw new TemplateError(path, e.message);
        throw e;
      }
    },
  };
}

/** Content hash of a file or folder (names and bytes), for content-addressed artifacts. */
export function hashPath(abs: string): string {
  const h = createHash('sha256');
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!TOOL_DIRS.has(name)) walk(join(p, name));
    } else if (st.isFile()) {
      h.update(relative(abs, p) + '\0' + (st.mode & 0o111 ? 'x' : '-') + '\0');
      h.update(readFileSync(p));
    }
  };
  walk(abs);
  return h.digest('hex');
}

export { PLACEHOLDER };
