// Resource matching for one deployment snapshot: a segment tree built once per snapshot (cached by
// identity), matched literal first, then `{param}`, then greedy `{proxy+}`, as AWS prioritises.
// A method is the exact verb, else ANY. No match is AWS's 403 "Missing Authentication Token".
import { decodeOrKeep } from '../../protocol/http.js';
import type { DeploymentSnapshot, Method, Resource } from '../core/model.js';

interface Node {
  readonly literals: Map<string, Node>;
  param?: { readonly name: string; readonly node: Node };
  greedy?: { readonly name: string; readonly resource: Resource };
  resource?: Resource;
}

const newNode = (): Node => ({ literals: new Map() });

export interface RouteMatch {
  readonly resource: Resource;
  readonly method: Method;
  /** Decoded path parameters (`{proxy+}` keeps its slashes). */
  readonly pathParameters: Readonly<Record<string, string>>;
}

const trees = new WeakMap<DeploymentSnapshot, Node>();

function build(snapshot: DeploymentSnapshot): Node {
  const root = newNode();
  for (const resource of snapshot.resources) {
    const segments = resource.path.split('/').filter((s) => s.length > 0);
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const greedy = /^\{(.+)\+\}$/.exec(seg);
      if (greedy) {
        // `{proxy+}` is always the last segment of its path (the control plane enforces it).
        node.greedy = { name: greedy[1]!, resource };
        node = newNode(); // nothing can hang below a greedy segment
        break;
      }
      const param = /^\{(.+)\}$/.exec(seg);
      if (param) {
        node.param ??= { name: param[1]!, node: newNode() };
        node = node.param.node;
      } else {
        let next = node.literals.get(seg);
        if (!next) node.literals.set(seg, (next = newNode()));
        node = next;
      }
      if (i === segments.length - 1) node.resource = resource;
    }
    if (segments.length === 0) root.resource = resource;
  }
  return root;
}

function walk(
  node: Node,
  segs: readonly string[],
  i: number,
  params: Record<string, string>,
): Resource | undefined {
  if (i === segs.length) {
    if (node.resource) return node.resource;
    return undefined;
  }
  const seg = segs[i]!;
  const lit = node.literals.get(decodeOrKeep(seg)) ?? node.literals.get(seg);
  if (lit) {
    const r = walk(lit, segs, i + 1, params);
    if (r) return r;
  }
  if (node.param) {
    const r = walk(node.param.node, segs, i + 1, params);
    if (r) {
      // Values stay percent-encoded as sent: AWS hands `test%2Balias` to the function as is.
      params[node.param.name] = seg;
      return r;
    }
  }
  if (node.greedy) {
    params[node.greedy.name] = segs.slice(i).join('/');
    return node.greedy.resource;
  }
  return undefined;
}

/**
 * Finds the resource and method for `path` (below the stage, starting with `/`). Undefined when
 * nothing matches (the caller answers 403 Missing Authentication Token).
 */
export function matchRoute(snapshot: DeploymentSnapshot, verb: string, path: string): RouteMatch | undefined {
  let tree = trees.get(snapshot);
  if (!tree) trees.set(snapshot, (tree = build(snapshot)));
  // AWS ignores empty segments, so `/pets/` is `/pets`.
  const segs = path.split('/').filter((s) => s.length > 0);
  const params: Record<string, string> = {};
  const resource = walk(tree, segs, 0, params);
  if (!resource) return undefined;
  // The resource that matched decides: without this verb (or ANY) the answer is 403, as in AWS.
  const method = resource.resourceMethods[verb] ?? resource.resourceMethods['ANY'];
  if (!method) return undefined;
  return { resource, method, pathParameters: params };
}
