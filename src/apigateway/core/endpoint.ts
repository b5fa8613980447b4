// A REST API's endpoint configuration (types, ipAddressType, VPC endpoints): AWS's front-end
// enum checks, its rules, defaults and the UpdateRestApi patch paths, with the recorded wording.
import { BadRequest } from './errors.js';
import type { Input } from './input.js';
import type { EndpointConfiguration, EndpointType, IpAddressType } from './model.js';
import { opNotAllowed, validationFailure, type PatchOp } from './patch.js';

export const ENDPOINT_TYPES: readonly EndpointType[] = ['EDGE', 'REGIONAL', 'PRIVATE'];
export const IP_ADDRESS_TYPES: readonly IpAddressType[] = ['ipv4', 'dualstack'];
/** The order AWS lists the types in its validation message (recorded). */
const TYPES_AS_LISTED = ['PRIVATE', 'EDGE', 'REGIONAL'];

const PRIVATE_NEEDS_DUALSTACK = 'Only dualstack ipAddressType is supported for Private APIs.';

/** Front-end enum checks, all reported together (recorded: types first, then ipAddressType). */
export function checkEndpointEnums(input: Input | undefined): void {
  if (!input) return;
  const violations: string[] = [];
  const types = input.raw.types;
  if (Array.isArray(types) && types.some((t) => !(ENDPOINT_TYPES as readonly unknown[]).includes(t))) {
    violations.push(
      `Value '[${types.join(', ')}]' at '${input.shape}.types' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${TYPES_AS_LISTED.join(', ')}]]`,
    );
  }
  const ip = input.raw.ipAddressType;
  if (ip !== undefined && ip !== null && !(IP_ADDRESS_TYPES as readonly unknown[]).includes(ip)) {
    violations.push(`Value '${String(ip)}' at '${input.shape}.ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: [${IP_ADDRESS_TYPES.join(', ')}]`);
  }
  if (violations.length) throw validationFailure(violations);
}

/** The configuration a CreateRestApi asks for, with AWS's defaults (PRIVATE APIs are dualstack). */
export function readEndpointConfiguration(input: Input | undefined): EndpointConfiguration {
  checkEndpointEnums(input);
  const types = (input?.strList('types') ?? ['EDGE']) as EndpointType[];
  if (types.length === 0) throw BadRequest('REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.');
  if (types.length > 1) throw BadRequest('Cannot create an api with multiple Endpoint Types.');
  const type = types[0]!;
  const ipAddressType = (input?.str('ipAddressType') as IpAddressType | undefined) ?? (type === 'PRIVATE' ? 'dualstack' : 'ipv4');
  if (type === 'PRIVATE' && ipAddressType !== 'dualstack') throw BadRequest(PRIVATE_NEEDS_DUALSTACK);
  const vpcEndpointIds = input?.strList('vpcEndpointIds');
  if (vpcEndpointIds?.length && type !== 'PRIVATE') throw BadRequest('VPC endpoint IDs are only supported for PRIVATE APIs');
  return { types, ipAddressType, ...(vpcEndpointIds?.length ? { vpcEndpointIds } : {}) };
}

/**
 * One UpdateRestApi operation under `/endpointConfiguration` (`rest` = the path after it), or
 * undefined when the path is not one of its members.
 */
export function patchEndpointConfiguration(current: EndpointConfiguration, op: PatchOp, rest: readonly string[]): EndpointConfiguration | undefined {
  const [member, key] = rest;
  if (member === 'ipAddressType' && key === undefined) {
    if (op.op !== 'replace') throw opNotAllowed(['replace']);
    const value = op.value as IpAddressType;
    if (!(IP_ADDRESS_TYPES as readonly string[]).includes(value)) throw BadRequest('ipAddressType must be either ipv4 or dualstack.');
    if (current.types[0] === 'PRIVATE' && value !== 'dualstack') throw BadRequest(PRIVATE_NEEDS_DUALSTACK);
    return { ...current, ipAddressType: value };
  }
  if (member === 'types') {
    if (op.op !== 'add' && op.op !== 'remove' && op.op !== 'replace') throw BadRequest("Invalid patch operation specified. Must be 'add'|'remove'|'replace'");
    if (op.op !== 'replace' || (key !== undefined && key !== '0' && key !== current.types[0])) return undefined;
    const type = op.value as EndpointType;
    if (!(ENDPOINT_TYPES as readonly string[]).includes(type)) throw BadRequest('Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE');
    // Becoming PRIVATE switches the API to dualstack (recorded), the only address type it allows.
    return { ...current, types: [type], ...(type === 'PRIVATE' ? { ipAddressType: 'dualstack' as const } : {}) };
  }
  if (member === 'vpcEndpointIds' && (op.op === 'add' || op.op === 'remove' || op.op === 'replace')) {
    const ids = (op.value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const have = current.vpcEndpointIds ?? [];
    const next = op.op === 'add' ? [...new Set([...have, ...ids])] : op.op === 'remove' ? have.filter((i) => !ids.includes(i)) : ids;
    return { ...current, vpcEndpointIds: next };
  }
  return undefined;
}
