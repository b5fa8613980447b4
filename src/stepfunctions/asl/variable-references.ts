// The `variableReferences` of DescribeStateMachine / DescribeStateMachineForExecution: for each
// state (nested Map/Parallel states included, keyed by their own name), the workflow variables
// its JSONPath fields read. AWS lists only states that read at least one variable and omits the
// field when none does.
//
// What counts, as AWS records it: reference paths (`$name`, `$name.field`, `$name[0]`) in path
// fields (InputPath, OutputPath, ItemsPath, *Path limits, Choice Variable / …Path operands, Wait
// SecondsPath/TimestampPath, Fail ErrorPath/CausePath), in `.$` keys of payload templates
// (Parameters, ResultSelector, ItemSelector, Assign, …) and as arguments of intrinsic functions.
// Plain strings such as "bucketName": "$bucket" (no `.$`) are constants, not references, and
// `$.…` / `$$…` read the input and the context object. JSONata states are not scanned: AWS lists
// no references for them (the recorded JSONata cases report none).
// Names are sorted: the order AWS uses is not part of any contract.
import { parsePath } from './jsonpath.js';
import { isIntrinsic, parseIntrinsic } from './intrinsics/index.js';
import type { IntrinsicCall } from './intrinsics/parse.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Map of state name → sorted variable names; undefined when no state reads a variable. */
export function variableReferences(definition: string): Record<string, string[]> | undefined {
  let root: unknown;
  try {
    root = JSON.parse(definition);
  } catch {
    return undefined;
  }
  if (!isObj(root)) return undefined;
  const out: Record<string, string[]> = {};
  walkStates(root, queryLanguage(root, 'JSONPath'), out);
  return Object.keys(out).length > 0 ? out : undefined;
}

function queryLanguage(node: Obj, inherited: string): string {
  return typeof node['QueryLanguage'] === 'string' ? node['QueryLanguage'] : inherited;
}

/** Visit every state of a (sub-)machine; nested machines inherit the top-level query language. */
function walkStates(machine: Obj, topLevel: string, out: Record<string, string[]>): void {
  const states = machine['States'];
  if (!isObj(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isObj(state)) continue;
    if (queryLanguage(state, topLevel) === 'JSONPath') {
      const refs = new Set<string>();
      stateRefs(state, refs);
      if (refs.size > 0) out[name] = [...refs].sort();
    }
    for (const sub of [state['ItemProcessor'], state['Iterator']]) if (isObj(sub)) walkStates(sub, topLevel, out);
    if (Array.isArray(state['Branches'])) for (const b of state['Branches']) if (isObj(b)) walkStates(b, topLevel, out);
  }
}

const PATH_FIELDS = [
  'InputPath', 'OutputPath', 'ItemsPath', 'MaxConcurrencyPath', 'ToleratedFailurePercentagePath',
  'ToleratedFailureCountPath', 'SecondsPath', 'TimestampPath', 'ErrorPath', 'CausePath',
  'TimeoutSecondsPath', 'HeartbeatSecondsPath',
];
const TEMPLATE_FIELDS = ['Parameters', 'ResultSelector', 'ItemSelector', 'Assign', 'Credentials'];

function stateRefs(state: Obj, refs: Set<string>): void {
  // ErrorPath/CausePath may also hold an intrinsic function call, so path fields go through expressionRefs.
  for (const f of PATH_FIELDS) if (typeof state[f] === 'string') expressionRefs(state[f] as string, refs);
  for (const f of TEMPLATE_FIELDS) templateRefs(state[f], refs);
  if (Array.isArray(state['Choices'])) for (const rule of state['Choices']) choiceRefs(rule, refs);
  if (Array.isArray(state['Catch'])) for (const c of state['Catch']) if (isObj(c)) templateRefs(c['Assign'], refs);
  const reader = state['ItemReader'];
  if (isObj(reader)) {
    templateRefs(reader['Parameters'], refs);
    if (isObj(reader['ReaderConfig'])) pathRef(reader['ReaderConfig']['MaxItemsPath'], refs);
  }
  const batcher = state['ItemBatcher'];
  if (isObj(batcher)) {
    pathRef(batcher['MaxItemsPerBatchPath'], refs);
    pathRef(batcher['MaxInputBytesPerBatchPath'], refs);
    templateRefs(batcher['BatchInput'], refs);
  }
  const writer = state['ResultWriter'];
  if (isObj(writer)) templateRefs(writer['Parameters'], refs);
}

function choiceRefs(rule: unknown, refs: Set<string>): void {
  if (!isObj(rule)) return;
  for (const [k, v] of Object.entries(rule)) {
    if (k === 'Variable' || k.endsWith('Path')) pathRef(v, refs);
  }
  templateRefs(rule['Assign'], refs);
  for (const k of ['And', 'Or']) if (Array.isArray(rule[k])) for (const r of rule[k] as unknown[]) choiceRefs(r, refs);
  choiceRefs(rule['Not'], refs);
}

/** A payload template: only `.$` keys hold expressions; nested objects and arrays are walked. */
function templateRefs(node: unknown, refs: Set<string>): void {
  if (Array.isArray(node)) {
    for (const x of node) templateRefs(x, refs);
  } else if (isObj(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k.endsWith('.$') && typeof v === 'string') expressionRefs(v, refs);
      else templateRefs(v, refs);
    }
  }
}

function expressionRefs(text: string, refs: Set<string>): void {
  if (isIntrinsic(text)) {
    try {
      callRefs(parseIntrinsic(text), refs);
    } catch {
      // not a valid call: validation rejects the definition before this is asked
    }
  } else {
    pathRef(text, refs);
  }
}

function callRefs(call: IntrinsicCall, refs: Set<string>): void {
  for (const a of call.args) {
    if (a.kind === 'path') pathRef(a.path, refs);
    else if (a.kind === 'call') callRefs(a.call, refs);
  }
}

function pathRef(path: unknown, refs: Set<string>): void {
  if (typeof path !== 'string') return;
  const p = parsePath(path);
  if (p?.source === 'variable' && p.variable) refs.add(p.variable);
}
