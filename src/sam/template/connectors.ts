// SAM connectors: a resource's embedded `Connectors` attribute and AWS::Serverless::Connector
// resources. On AWS the SAM transform turns each into the IAM policies (and Lambda permissions,
// queue/topic policies) the source needs to reach the destination with Read and/or Write access.
// Nimbus enforces neither IAM nor resource policies, so a connector changes nothing at run time: it
// is checked as SAM checks its shape and then removed, generating no resources.
import { TemplateError, joinPath } from './errors.js';
import type { Json } from './yaml.js';

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const PERMISSIONS = new Set(['Read', 'Write']);

/** A connector end: `{Id}` of a resource of this template, or `{Arn, Type}` (`Type` also with `Id`). */
function checkEnd(end: Json | undefined, path: string, declared: ReadonlySet<string>, errors: TemplateError[]): void {
  if (!isObj(end)) {
    errors.push(new TemplateError(path, 'must be a mapping with Id, or Arn and Type'));
    return;
  }
  if (end.Id !== undefined) {
    if (typeof end.Id !== 'string' || !declared.has(end.Id)) errors.push(new TemplateError(joinPath(path, 'Id'), `${JSON.stringify(end.Id)} is not a resource in this template`));
  } else if (end.Arn === undefined || typeof end.Type !== 'string') {
    errors.push(new TemplateError(path, 'needs Id, or Arn and Type'));
  }
}

function checkConnector(props: Json | undefined, path: string, declared: ReadonlySet<string>, errors: TemplateError[], embedded: boolean): void {
  if (!isObj(props)) {
    errors.push(new TemplateError(path, 'must be a mapping'));
    return;
  }
  // An embedded connector's source is the resource it sits on.
  if (!embedded) checkEnd(props.Source, joinPath(path, 'Source'), declared, errors);
  else if (props.Source !== undefined) errors.push(new TemplateError(joinPath(path, 'Source'), 'is not allowed in an embedded connector (the source is the resource itself)'));
  const destinations = Array.isArray(props.Destination) ? props.Destination : [props.Destination];
  destinations.forEach((d, i) => checkEnd(d, Array.isArray(props.Destination) ? `${joinPath(path, 'Destination')}[${i}]` : joinPath(path, 'Destination'), declared, errors));
  const perms = props.Permissions;
  if (!Array.isArray(perms) || perms.length === 0 || perms.some((p) => typeof p !== 'string' || !PERMISSIONS.has(p))) {
    errors.push(new TemplateError(joinPath(path, 'Permissions'), 'must be a list of Read and/or Write'));
  }
}

/**
 * Checks and removes the connectors of `resources` (embedded `Connectors` and AWS::Serverless::Connector
 * resources); returns the resources without them. Only for templates with the SAM transform.
 */
export function withoutConnectors(resources: Record<string, Json>, errors: TemplateError[]): Record<string, Json> {
  const declared = new Set(Object.keys(resources));
  const out: Record<string, Json> = {};
  for (const [id, r] of Object.entries(resources)) {
    const p = joinPath('Resources', id);
    // Malformed resources are the planner's to report.
    if (!isObj(r)) {
      out[id] = r;
      continue;
    }
    if (r.Type === 'AWS::Serverless::Connector') {
      checkConnector(r.Properties, joinPath(p, 'Properties'), declared, errors, false);
      continue;
    }
    if (r.Connectors === undefined) {
      out[id] = r;
      continue;
    }
    if (!isObj(r.Connectors)) errors.push(new TemplateError(joinPath(p, 'Connectors'), 'must be a mapping of connector ids'));
    else {
      for (const [cid, c] of Object.entries(r.Connectors)) {
        const cp = joinPath(joinPath(p, 'Connectors'), cid);
        if (!/^[A-Za-z0-9]+$/.test(cid)) errors.push(new TemplateError(cp, 'connector ids must be alphanumeric'));
        checkConnector(isObj(c) ? c.Properties : undefined, joinPath(cp, 'Properties'), declared, errors, true);
      }
    }
    const { Connectors: _connectors, ...rest } = r;
    void _connectors;
    out[id] = rest;
  }
  return out;
}
