// The VTL engine for API Gateway mapping templates: velocityjs's parser and interpreter, with the
// parts AWS (Apache Velocity on Java) does differently replaced: what values print as, `==`,
// `#if` truthiness, integer division, Java's String/List/Map methods, and the #foreach cap
// (AWS allows 1,000 iterations per loop). Parsed templates are cached by their text.
import { Compile, parse } from 'velocityjs';
import { javaEquals, javaString, javaTruthy } from './java.js';

/** AWS quota: iterations of one #foreach loop in a mapping template. */
export const MAX_FOREACH_ITERATIONS = 1000;

/** A template that cannot be parsed or fails while rendering (AWS answers 500). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Objects whose own function properties templates may call ($input, $util, …). */
const hostObjects = new WeakSet<object>();

/** Registers an object whose methods templates may call directly. */
export function hostObject<T extends object>(obj: T): T {
  hostObjects.add(obj);
  return obj;
}

type Ast = ReturnType<typeof parse>;
type Payload = { property: string; context: unknown; params: unknown[] };

const NOT_HANDLED = Symbol('not handled');

function toInt(v: unknown): number {
  return typeof v === 'number' ? Math.trunc(v) : Number.parseInt(javaString(v), 10);
}

/** Java's String.split(regex): trailing empty strings are dropped. */
function javaSplit(s: string, regex: string): string[] {
  const parts = s.split(new RegExp(regex));
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length === 0 ? [''] : parts;
}

function stringMethod(s: string, name: string, args: unknown[]): unknown {
  const a0 = args[0];
  switch (name) {
    case 'length': return s.length;
    case 'isEmpty': return s.length === 0;
    case 'equals': return a0 !== null && a0 !== undefined && s === javaString(a0);
    case 'equalsIgnoreCase': return a0 !== null && a0 !== undefined && s.toLowerCase() === javaString(a0).toLowerCase();
    case 'contains': return s.includes(javaString(a0));
    case 'startsWith': return s.startsWith(javaString(a0));
    case 'endsWith': return s.endsWith(javaString(a0));
    case 'indexOf': return s.indexOf(javaString(a0));
    case 'lastIndexOf': return s.lastIndexOf(javaString(a0));
    case 'charAt': return s.charAt(toInt(a0));
    case 'substring': return args.length > 1 ? s.substring(toInt(a0), toInt(args[1])) : s.substring(toInt(a0));
    case 'toUpperCase': return s.toUpperCase();
    case 'toLowerCase': return s.toLowerCase();
    case 'trim': return s.trim();
    case 'concat': return s + javaString(a0);
    case 'toString': return s;
    case 'replace': return s.split(javaString(a0)).join(javaString(args[1]));
    case 'replaceAll': return s.replace(new RegExp(javaString(a0), 'g'), javaString(args[1]));
    case 'replaceFirst': return s.replace(new RegExp(javaString(a0)), javaString(args[1]));
    case 'matches': return new RegExp(`^(?:${javaString(a0)})$`).test(s);
    case 'split': return javaSplit(s, javaString(a0));
    default: return NOT_HANDLED;
  }
}

function listMethod(list: unknown[], name: string, args: unknown[]): unknown {
  const a0 = args[0];
  switch (name) {
    case 'size': return list.length;
    case 'isEmpty': return list.length === 0;
    case 'get': return list[toInt(a0)];
    case 'contains': return list.some((x) => javaEquals(x, a0));
    case 'indexOf': return list.findIndex((x) => javaEquals(x, a0));
    case 'toString': return javaString(list);
    default: return NOT_HANDLED;
  }
}

function mapMethod(map: Record<string, unknown>, name: string, args: unknown[]): unknown {
  const a0 = args[0];
  switch (name) {
    case 'size': return Object.keys(map).length;
    case 'isEmpty': return Object.keys(map).length === 0;
    case 'get': return Object.hasOwn(map, javaString(a0)) ? map[javaString(a0)] : null;
    case 'containsKey': return Object.hasOwn(map, javaString(a0));
    case 'containsValue': return Object.values(map).some((x) => javaEquals(x, a0));
    case 'keySet': return Object.keys(map);
    case 'values': return Object.values(map);
    case 'toString': return javaString(map);
    default: return NOT_HANDLED;
  }
}

function javaMethod({ property, context, params }: Payload): unknown {
  if (typeof context === 'string') return stringMethod(context, property, params);
  if (typeof context === 'number' || typeof context === 'boolean') {
    return property === 'toString' ? javaString(context) : NOT_HANDLED;
  }
  if (context === null || typeof context !== 'object') return NOT_HANDLED;
  if (hostObjects.has(context)) {
    const fn = (context as Record<string, unknown>)[property];
    if (typeof fn === 'function') return (fn as (...a: unknown[]) => unknown).apply(context, params);
    return NOT_HANDLED;
  }
  if (Array.isArray(context)) return listMethod(context, property, params);
  return mapMethod(context as Record<string, unknown>, property, params);
}

/** One handler in front of velocityjs's own: it answers every Java method it knows. */
const javaMethods = {
  uid: 'aws: java methods',
  match: (payload: Payload) => {
    const r = javaMethod(payload);
    if (r === NOT_HANDLED) return false;
    lastResult = r;
    return true;
  },
  resolve: () => {
    const r = lastResult;
    lastResult = undefined;
    return r;
  },
};
// match() computes the result once and resolve() hands it over: velocityjs calls them back to back
// synchronously, so a single slot is enough and nothing runs twice.
let lastResult: unknown;

type AnyAst = { type: string; [k: string]: unknown };

/** velocityjs with AWS's Java semantics where they differ. */
class AwsCompile extends Compile {
  override getReferences(ast: Parameters<Compile['getReferences']>[0], isVal?: boolean): string {
    const value = super.getReferences(ast, isVal) as unknown;
    // isVal is only set when a reference is printed: format it the way Java would.
    return isVal ? javaString(value) : (value as string);
  }

  override getExpression(ast: Parameters<Compile['getExpression']>[0]): string {
    const node = ast as unknown as AnyAst;
    if (node.type !== 'math') return super.getExpression(ast);
    const exp = node['expression'] as Parameters<Compile['getExpression']>[0][];
    const left = () => this.getExpression(exp[0]!) as unknown;
    const right = () => this.getExpression(exp[1]!) as unknown;
    switch (node['operator']) {
      case '==': return javaEquals(left(), right()) as unknown as string;
      case '!=': return !javaEquals(left(), right()) as unknown as string;
      case '&&': return (javaTruthy(left()) && javaTruthy(right())) as unknown as string;
      case '||': return (javaTruthy(left()) || javaTruthy(right())) as unknown as string;
      case 'not': return !javaTruthy(left()) as unknown as string;
      case '/': {
        const a = left();
        const b = right();
        if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) {
          if (b === 0) throw new TemplateError('/ by zero');
          return Math.trunc(a / b) as unknown as string;
        }
        return ((a as number) / (b as number)) as unknown as string;
      }
      default:
        return super.getExpression(ast);
    }
  }

  getBlockIf(block: AnyAst[]): string {
    let taken = false;
    const body: AnyAst[] = [];
    for (const ast of block) {
      const conditional = ast.type === 'if' || ast.type === 'elseif';
      if (!conditional && ast.type !== 'else') {
        if (taken) body.push(ast);
        continue;
      }
      if (taken) break;
      taken = conditional
        ? javaTruthy(this.getExpression(ast['condition'] as Parameters<Compile['getExpression']>[0]))
        : true;
    }
    return this.renderAstList(body as unknown as Ast, this.contextId);
  }

  getBlockEach(block: AnyAst[]): string {
    const head = block[0]!;
    const from = this.getLiteral({ ...(head['from'] as object), pos: head['pos'] } as Parameters<Compile['getLiteral']>[0]) as unknown;
    if (from === null || typeof from !== 'object') return '';
    const items = Array.isArray(from) ? from : Object.values(from as object);
    const to = head['to'] as string;
    const body = block.slice(1) as unknown as Ast;
    const contextId = `foreach:${++foreachIds}`;
    const local: Record<string, unknown> = {};
    if (items.length > MAX_FOREACH_ITERATIONS) {
      throw new TemplateError(`#foreach exceeds ${MAX_FOREACH_ITERATIONS} iterations`);
    }
    const n = items.length;
    let out = '';
    for (let i = 0; i < n; i++) {
      if (this.runState.break) break;
      local[to] = items[i];
      local['foreach'] = { count: i + 1, index: i, hasNext: i + 1 < n, first: i === 0, last: i + 1 === n };
      local['velocityCount'] = i + 1;
      this.local[contextId] = local;
      out += this.renderAstList(body, contextId);
    }
    if (n > 0) {
      this.runState.break = false;
      this.local[contextId] = {};
      this.conditions.shift();
      this.contextId = this.conditions[0] ?? '';
    }
    return out;
  }
}
let foreachIds = 0;

const cache = new Map<string, Ast>();
const CACHE_LIMIT = 1000;

function compile(template: string): Ast {
  let asts = cache.get(template);
  if (!asts) {
    try {
      asts = parse(template);
    } catch (err) {
      throw new TemplateError(`Invalid mapping template: ${(err as Error).message}`);
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(template, asts);
  }
  return asts;
}

/** Checks that a template parses (for callers that validate at deploy time). */
export function validateTemplate(template: string): void {
  compile(template);
}

/** A template without `$` or `#` renders as itself: callers skip building variables for it. */
export function isLiteralTemplate(template: string): boolean {
  return template.indexOf('$') === -1 && template.indexOf('#') === -1;
}

/**
 * Renders a mapping template. `variables` are the template's top-level names without `$`
 * (`input`, `context`, `stageVariables`, `util`). Undefined references print nothing.
 */
export function renderTemplate(template: string, variables: Record<string, unknown>): string {
  if (isLiteralTemplate(template)) return template;
  const asts = compile(template);
  const engine = new AwsCompile(asts, { customMethodHandlers: [javaMethods], escape: false });
  try {
    return engine.render(variables, undefined, true);
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw new TemplateError(`Mapping template failed: ${(err as Error).message}`);
  }
}
