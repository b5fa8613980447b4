// Running a template locally the way SAM CLI does: resources and event sources Nimbus does not
// provide (a DynamoDB table, an SQS queue and its event…) are left out with a notice instead of
// failing the whole template. What referred to them gets a stand-in: `Ref` the logical id (SAM
// CLI's own convention), `Fn::GetAtt …Arn` an ARN of the type's shape, other attributes the
// logical id. The functions then run and reach those resources wherever the user points them.
import type { TemplateError } from './errors.js';
import type { Json } from './yaml.js';

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface Skipped {
  readonly logicalId: string;
  /** The resource's type, or for an event source the event's. */
  readonly type: string;
  /** Set when only an event of the resource was left out. */
  readonly event?: string;
  /** Set when only a property of the resource was left out (EFS, a custom Domain…); `type` says why. */
  readonly property?: string;
  /** Set when only one of the function's layers was left out (another account's): its ARN as written. */
  readonly layer?: string;
}

const RESOURCE_TYPE = /^Resources\.([A-Za-z0-9]+)\.Type$/;
const EVENT_TYPE = /^Resources\.([A-Za-z0-9]+)\.Properties\.Events\.([A-Za-z0-9]+)\.Type$/;
const PROPERTY = /^Resources\.([A-Za-z0-9]+)\.Properties\.([A-Za-z0-9]+)$/;
const LAYER = /^Resources\.([A-Za-z0-9]+)\.Properties\.Layers\.\d+$/;
/**
 * Properties a resource works without (as with SAM CLI locally). Not values such as an at()
 * schedule or an S3 CodeUri: without them the resource would not mean the same, so they stay errors.
 */
const OPTIONAL_FEATURES = new Set(['FileSystemConfigs', 'Domain']);

/** The resources and events the planner refused as unsupported (and only those). */
export function unsupportedIn(errors: readonly TemplateError[], template: Obj): Skipped[] {
  const resources = isObj(template.Resources) ? template.Resources : {};
  const out: Skipped[] = [];
  for (const e of errors) {
    if (!e.detail.includes('not supported by Nimbus')) continue;
    const r = RESOURCE_TYPE.exec(e.path);
    if (r) {
      const res = resources[r[1]!];
      if (isObj(res) && typeof res.Type === 'string') out.push({ logicalId: r[1]!, type: res.Type });
      continue;
    }
    const ev = EVENT_TYPE.exec(e.path);
    if (ev) {
      const events = isObj(resources[ev[1]!]) ? ((resources[ev[1]!] as Obj).Properties as Obj | undefined)?.Events : undefined;
      const event = isObj(events) ? events[ev[2]!] : undefined;
      if (isObj(event) && typeof event.Type === 'string') out.push({ logicalId: ev[1]!, type: event.Type, event: ev[2]! });
      continue;
    }
    const layer = LAYER.exec(e.path);
    const arn = /^layer (\S+) of account /.exec(e.detail)?.[1];
    if (layer && arn) {
      out.push({ logicalId: layer[1]!, type: e.detail, layer: arn });
      continue;
    }
    const prop = PROPERTY.exec(e.path);
    if (prop && OPTIONAL_FEATURES.has(prop[2]!) && prop[1]! in resources) out.push({ logicalId: prop[1]!, type: e.detail, property: prop[2]! });
  }
  return out;
}

/** The template without the skipped resources and events, references to them replaced. */
export function withoutSkipped(template: Obj, skipped: readonly Skipped[], region: string, accountId: string): Obj {
  const gone = new Map(skipped.filter((s) => !s.event && !s.property && !s.layer).map((s) => [s.logicalId, s.type]));
  const layers = new Set(skipped.filter((s) => s.layer).map((s) => s.layer!));
  const resources: Obj = {};
  for (const [id, res] of Object.entries(isObj(template.Resources) ? template.Resources : {})) {
    if (gone.has(id)) continue;
    const events = skipped.filter((s) => s.event && s.logicalId === id).map((s) => s.event!);
    const properties = skipped.filter((s) => s.property && s.logicalId === id).map((s) => s.property!);
    resources[id] = isObj(res) && (events.length || properties.length) ? dropParts(res, events, properties) : res;
    if (layers.size && isObj(resources[id])) resources[id] = withoutLayers(resources[id] as Obj, layers);
  }
  const standIn = (id: string, attribute?: string): string =>
    attribute === 'Arn' ? arnOf(gone.get(id)!, id, region, accountId) : id;
  const rewrite = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (!isObj(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [fn] = keys as [string];
      const arg = v[fn]!;
      if (fn === 'Ref' && typeof arg === 'string' && gone.has(arg)) return arg;
      if (fn === 'Fn::GetAtt') {
        const [id, attribute] = typeof arg === 'string' ? splitOnce(arg) : Array.isArray(arg) ? [arg[0], arg[1]] : [];
        if (typeof id === 'string' && gone.has(id)) return standIn(id, typeof attribute === 'string' ? attribute : undefined);
      }
      if (fn === 'Fn::Sub') {
        if (typeof arg === 'string') return { 'Fn::Sub': substitute(arg, gone, new Set(), standIn) };
        if (Array.isArray(arg) && typeof arg[0] === 'string') {
          const own = new Set(isObj(arg[1]) ? Object.keys(arg[1]) : []);
          return { 'Fn::Sub': [substitute(arg[0], gone, own, standIn), ...arg.slice(1).map(rewrite)] };
        }
      }
    }
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'DependsOn') {
        const list = (Array.isArray(x) ? x : [x]).filter((d) => !(typeof d === 'string' && gone.has(d)));
        if (list.length) out[k] = Array.isArray(x) ? list : list[0]!;
        continue;
      }
      out[k] = rewrite(x);
    }
    return out;
  };
  const out: Obj = { ...template, Resources: rewrite(resources) };
  if (template.Outputs !== undefined) out.Outputs = rewrite(template.Outputs);
  // A property every function got from Globals would come back with them.
  const properties = new Set(skipped.filter((s) => s.property).map((s) => s.property!));
  if (properties.size && isObj(template.Globals)) {
    const globals: Obj = {};
    for (const [section, values] of Object.entries(template.Globals)) {
      globals[section] = isObj(values) ? Object.fromEntries(Object.entries(values).filter(([k]) => !properties.has(k))) : values;
    }
    out.Globals = globals;
  }
  if (layers.size && isObj(out.Globals) && isObj(out.Globals.Function)) {
    out.Globals = { ...out.Globals, Function: (withoutLayers({ Properties: out.Globals.Function }, layers).Properties as Obj) };
  }
  return out;
}

/** The resource without the layers (ARNs as written, a literal or an `!Sub` text) left out. */
function withoutLayers(res: Obj, layers: ReadonlySet<string>): Obj {
  const props = res.Properties;
  if (!isObj(props) || !Array.isArray(props.Layers)) return res;
  const text = (l: Json) => (typeof l === 'string' ? l : isObj(l) && 'Fn::Sub' in l ? (Array.isArray(l['Fn::Sub']) ? l['Fn::Sub'][0] : l['Fn::Sub']) : undefined);
  const kept = props.Layers.filter((l) => {
    const t = text(l);
    return typeof t !== 'string' || !layers.has(t);
  });
  return { ...res, Properties: { ...props, Layers: kept } };
}

/** One line per skipped item, for the command's output. */
export function describeSkipped(s: Skipped): string {
  if (s.layer) return `Ignoring layer ${s.layer} of ${s.logicalId}: Nimbus cannot fetch layers of other accounts (its code must bring what the layer did)`;
  if (s.property) return `Ignoring ${s.property} of ${s.logicalId}: ${s.type}`;
  return s.event
    ? `Skipping event ${s.event} of ${s.logicalId}: Nimbus does not run ${s.type} event sources locally`
    : `Skipping ${s.logicalId} (${s.type}): Nimbus does not provide it; references to it resolve to stand-ins (Ref: "${s.logicalId}")`;
}

function dropParts(res: Obj, events: readonly string[], properties: readonly string[]): Obj {
  const props: Obj = {};
  for (const [k, v] of Object.entries(res.Properties as Obj)) if (!properties.includes(k)) props[k] = v;
  if (events.length && isObj(props.Events)) {
    const kept: Obj = {};
    for (const [k, ev] of Object.entries(props.Events)) if (!events.includes(k)) kept[k] = ev;
    props.Events = kept;
  }
  return { ...res, Properties: props };
}

function splitOnce(s: string): [string, string | undefined] {
  const dot = s.indexOf('.');
  return dot === -1 ? [s, undefined] : [s.slice(0, dot), s.slice(dot + 1)];
}

/** `${Id}` and `${Id.Attr}` of skipped resources become their stand-ins; `${!Literal}` stays. */
function substitute(text: string, gone: ReadonlyMap<string, string>, own: ReadonlySet<string>, standIn: (id: string, attribute?: string) => string): string {
  return text.replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => {
    const [id, attribute] = splitOnce(name.trim());
    return gone.has(id) && !own.has(name.trim()) ? standIn(id, attribute) : whole;
  });
}

/** An ARN of the resource type's shape, so code that parses one keeps working. */
function arnOf(type: string, id: string, region: string, accountId: string): string {
  switch (type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::Serverless::SimpleTable':
      return `arn:aws:dynamodb:${region}:${accountId}:table/${id}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${id}`;
    default: {
      const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
      return `arn:aws:${service}:${region}:${accountId}:${id}`;
    }
  }
}
