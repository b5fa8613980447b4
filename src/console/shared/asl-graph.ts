// Turns an Amazon States Language definition into a drawable graph: one node per state (ids are
// scope paths, so nested branches never collide), fork/join nodes for Parallel and Map, boxes
// (groups) for each Parallel branch and Map iterator, and labelled edges for Next, Choice rules,
// Default and Catch. Pure data: the browser lays it out and draws it.

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** ASL state type, or 'Start' / 'End' / 'Join' for the markers this module adds. */
  readonly type: string;
  /** The ASL state name this node stands for (markers have none). */
  readonly state?: string;
  /** Enclosing group id (a branch or an iterator), if nested. */
  readonly parent?: string;
}

export interface GraphGroup {
  readonly id: string;
  readonly label: string;
  readonly parent?: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly kind: 'next' | 'choice' | 'default' | 'catch' | 'branch';
}

export interface StateGraph {
  readonly nodes: GraphNode[];
  readonly groups: GraphGroup[];
  readonly edges: GraphEdge[];
  /** ASL state name → node id (state names are unique across a state machine). */
  readonly byState: Record<string, string>;
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function buildStateGraph(definition: unknown): StateGraph {
  const g: StateGraph = { nodes: [], groups: [], edges: [], byState: {} };
  if (!isObj(definition)) throw new Error('The definition is not a JSON object');
  g.nodes.push({ id: '#start', label: 'Start', type: 'Start' });
  g.nodes.push({ id: '#end', label: 'End', type: 'End' });
  const entry = scope(g, definition, '', undefined, '#end');
  if (entry) g.edges.push({ from: '#start', to: entry, kind: 'next' });
  return g;
}

/**
 * Adds the states of one scope (the machine, a branch or an iterator). `exit` is where terminal
 * states lead (End, or the enclosing Parallel/Map's join). Returns the StartAt node id.
 */
function scope(g: StateGraph, machine: Json, prefix: string, parent: string | undefined, exit: string): string | undefined {
  const states = isObj(machine.States) ? machine.States : {};
  const id = (name: string) => prefix + name;
  for (const [name, raw] of Object.entries(states)) {
    const s = isObj(raw) ? raw : {};
    const type = typeof s.Type === 'string' ? s.Type : '?';
    const nodeId = id(name);
    g.nodes.push({ id: nodeId, label: name, type, state: name, ...(parent ? { parent } : {}) });
    g.byState[name] ??= nodeId;
    let from = nodeId;
    if (type === 'Parallel' || type === 'Map') {
      const join = `${nodeId}#join`;
      const box = `${nodeId}#box`;
      g.groups.push({ id: box, label: `${type}: ${name}`, ...(parent ? { parent } : {}) });
      const subs: Array<[Json, string]> = [];
      if (type === 'Parallel' && Array.isArray(s.Branches)) {
        s.Branches.forEach((b, i) => {
          if (isObj(b)) subs.push([b, `Branch ${i + 1}`]);
        });
      } else if (type === 'Map') {
        const proc = isObj(s.ItemProcessor) ? s.ItemProcessor : isObj(s.Iterator) ? s.Iterator : undefined;
        if (proc) subs.push([proc, 'Iterator']);
      }
      subs.forEach(([sub, label], i) => {
        const groupId = `${nodeId}#${i}`;
        g.groups.push({ id: groupId, label, parent: box });
        const start = scope(g, sub, `${nodeId}/${i}/`, groupId, join);
        if (start) g.edges.push({ from: nodeId, to: start, kind: 'branch' });
      });
      // The state itself sits in its box as the fork; the join closes the box.
      (g.nodes as GraphNode[]).splice(g.nodes.findIndex((n) => n.id === nodeId), 1, {
        id: nodeId, label: name, type, state: name, parent: box,
      });
      g.nodes.push({ id: join, label: '', type: 'Join', parent: box });
      from = join;
    }
    const next = typeof s.Next === 'string' ? id(s.Next) : undefined;
    if (next) g.edges.push({ from, to: next, kind: 'next' });
    if (type === 'Choice') {
      if (Array.isArray(s.Choices)) {
        for (const rule of s.Choices) {
          if (isObj(rule) && typeof rule.Next === 'string') {
            g.edges.push({ from: nodeId, to: id(rule.Next), kind: 'choice', label: describeRule(rule) });
          }
        }
      }
      if (typeof s.Default === 'string') g.edges.push({ from: nodeId, to: id(s.Default), kind: 'default', label: 'Default' });
    }
    if (Array.isArray(s.Catch)) {
      for (const c of s.Catch) {
        if (isObj(c) && typeof c.Next === 'string') {
          const errors = Array.isArray(c.ErrorEquals) ? c.ErrorEquals.join(', ') : '';
          g.edges.push({ from, to: id(c.Next), kind: 'catch', label: `Catch ${errors}` });
        }
      }
    }
    if (s.End === true || type === 'Succeed') g.edges.push({ from, to: exit, kind: 'next' });
  }
  return typeof machine.StartAt === 'string' && machine.StartAt in states ? id(machine.StartAt) : undefined;
}

const COMPARATORS: Record<string, string> = {
  StringEquals: '==', NumericEquals: '==', BooleanEquals: '==', TimestampEquals: '==',
  StringLessThan: '<', NumericLessThan: '<', TimestampLessThan: '<',
  StringGreaterThan: '>', NumericGreaterThan: '>', TimestampGreaterThan: '>',
  StringLessThanEquals: '<=', NumericLessThanEquals: '<=', TimestampLessThanEquals: '<=',
  StringGreaterThanEquals: '>=', NumericGreaterThanEquals: '>=', TimestampGreaterThanEquals: '>=',
  StringMatches: 'matches',
};

/** A short, readable form of a Choice rule (JSONPath comparators or a JSONata Condition). */
export function describeRule(rule: Json): string {
  const text = ruleText(rule);
  return text.length > 48 ? text.slice(0, 47) + '…' : text;
}

function ruleText(rule: Json): string {
  if (typeof rule.Condition === 'string') return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, '');
  if (Array.isArray(rule.And)) return rule.And.filter(isObj).map(ruleText).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.filter(isObj).map(ruleText).join(' or ');
  if (isObj(rule.Not)) return `not (${ruleText(rule.Not)})`;
  const variable = typeof rule.Variable === 'string' ? rule.Variable : '?';
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'Variable' || key === 'Next' || key === 'Comment' || key === 'Assign' || key === 'Output') continue;
    const base = key.endsWith('Path') ? key.slice(0, -4) : key;
    if (COMPARATORS[base]) return `${variable} ${COMPARATORS[base]} ${JSON.stringify(value)}`;
    if (key === 'IsPresent') return `${variable} ${value ? 'is present' : 'is absent'}`;
    if (key === 'IsNull') return `${variable} ${value ? 'is null' : 'is not null'}`;
    if (key.startsWith('Is')) return `${variable} ${value ? '' : 'not '}${key.slice(2).toLowerCase()}`;
  }
  return variable;
}
