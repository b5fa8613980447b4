// EventBridge input transformers: `InputPathsMap` names values of the event (JSON paths), and
// `InputTemplate` places them as `<name>`. Inside a JSON string literal of the template a value
// goes in as text; elsewhere as JSON (a string gains its quotes), which is how AWS keeps a JSON
// template valid. Predefined names: aws.events.rule-arn, aws.events.rule-name,
// aws.events.event.ingestion-time, aws.events.event (the event without `detail`) and
// aws.events.event.json (the whole event).
import { JSONPath } from 'jsonpath-plus';

export interface InputTransformer {
  readonly InputPathsMap?: Readonly<Record<string, string>>;
  readonly InputTemplate: string;
}

const NAME = /^[A-Za-z0-9_-]+$/;
const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;
/** EventBridge's JSON path subset: dot names (dashes, underscores), indices, wildcards. */
const PATH = /^\$(\.[A-Za-z0-9_*-]+|\[(\d+|\*)\])*$/;

/** Why a transformer would be refused by PutTargets, or undefined when it is valid. */
export function transformerProblem(t: unknown): string | undefined {
  if (t === null || typeof t !== 'object' || Array.isArray(t)) return 'InputTransformer must be an object.';
  const { InputPathsMap: map, InputTemplate: template } = t as Record<string, unknown>;
  if (typeof template !== 'string' || template.length === 0 || template.length > 8192) return 'InputTemplate must be a string of 1 to 8192 characters.';
  if (map === undefined) return undefined;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return 'InputPathsMap must be a map of names to JSON paths.';
  const entries = Object.entries(map);
  if (entries.length > 100) return 'InputPathsMap can hold at most 100 entries.';
  for (const [name, path] of entries) {
    if (name.startsWith('aws.events.')) return `InputPathsMap name ${name} is reserved.`;
    if (!NAME.test(name)) return `InputPathsMap name ${name} is not valid.`;
    if (typeof path !== 'string' || !PATH.test(path)) return `InputPathsMap path ${String(path)} is not a valid JsonPath.`;
  }
  return undefined;
}

export interface RuleRef {
  readonly arn: string;
  readonly name: string;
}

/** The text a target receives for `event`. */
export function transformInput(t: InputTransformer, event: Record<string, unknown>, rule: RuleRef, ingestedAt: number): string {
  const values = new Map<string, { value: unknown; raw?: string }>();
  for (const [name, path] of Object.entries(t.InputPathsMap ?? {})) {
    values.set(name, { value: JSONPath({ path, json: event, wrap: false }) as unknown });
  }
  const { detail: _detail, ...withoutDetail } = event;
  values.set('aws.events.rule-arn', { value: rule.arn });
  values.set('aws.events.rule-name', { value: rule.name });
  values.set('aws.events.event.ingestion-time', { value: new Date(ingestedAt).toISOString() });
  values.set('aws.events.event', { value: withoutDetail, raw: JSON.stringify(withoutDetail) });
  values.set('aws.events.event.json', { value: event, raw: JSON.stringify(event) });

  let out = '';
  let last = 0;
  for (const m of t.InputTemplate.matchAll(PLACEHOLDER)) {
    const found = values.get(m[1]!);
    if (!found) continue; // not a variable: the text stays as written
    out += t.InputTemplate.slice(last, m.index);
    last = m.index! + m[0].length;
    if (found.raw !== undefined) out += found.raw;
    else if (insideString(t.InputTemplate, m.index!)) out += asText(found.value);
    else out += JSON.stringify(found.value ?? null);
  }
  return out + t.InputTemplate.slice(last);
}

/** Whether position `at` of the template lies inside a JSON string literal. */
function insideString(template: string, at: number): boolean {
  let inside = false;
  for (let i = 0; i < at; i++) {
    const c = template[i];
    if (c === '\\' && inside) i++;
    else if (c === '"') inside = !inside;
  }
  return inside;
}

/** A value as the content of a JSON string: its text, escaped. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text).slice(1, -1);
}
