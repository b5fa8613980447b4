// Lambda's layer operations (`/2018-10-31/layers…`): parse the request, call the layer registry,
// shape the reply. A layer named by ARN is looked up in the account and region of the ARN.
import { decodeOrKeep, sendEmpty, sendJson } from '../../protocol/http.js';
import { InvalidParameterValue, constraintViolation, constraintViolations } from '../errors.js';
import { parseLayerName, parseLayerVersionArnParam, type LayerRef } from '../core/layer-names.js';
import type { LayerFilter } from '../core/layers.js';
import { layerArn } from '../core/model.js';
import { KNOWN_RUNTIMES, validateDescription } from '../core/validation.js';
import { MAX_CODE_REQUEST, decodeZip, jsonBody, optionalString, scopeOf, type Call, type Route } from './operations.js';
import { page, renderLayerVersion, renderLayerVersionItem } from './render.js';

const ARCHITECTURES = ['x86_64', 'arm64'];
const LAYER = '([^/]+)';
const VERSION = '([^/]+)';

function layerOf(call: Call): LayerRef {
  return parseLayerName(decodeOrKeep(call.params[0]!));
}

function scopeFor(call: Call, ref: LayerRef) {
  const own = scopeOf(call.ctx);
  return { accountId: ref.accountId ?? own.accountId, region: ref.region ?? own.region };
}

/** The VersionNumber path parameter (a Long in Lambda's model). */
function versionOf(call: Call): number {
  const raw = decodeOrKeep(call.params[1]!);
  if (!/^-?\d+$/.test(raw)) throw constraintViolation(raw, 'versionNumber', 'Member must be a number');
  return Number(raw);
}

type Violation = { value: unknown; field: string; constraint: string };

/**
 * A list of enum members; a bad one is recorded in `violations` (AWS reports runtimes and
 * architectures together). Runtimes' constraint reads unwrapped, architectures' wrapped, as AWS prints them.
 */
function enumList(value: unknown, field: string, allowed: readonly string[], max: number, violations: Violation[], wrapped: boolean): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw constraintViolation(value, field, 'Member must be a list');
  const shown = `[${value.map(String).join(', ')}]`;
  if (value.length > max) throw constraintViolation(shown, field, `Member must have length less than or equal to ${max}`);
  if (value.some((v) => typeof v !== 'string' || !allowed.includes(v))) {
    const set = `Member must satisfy enum value set: [${allowed.join(', ')}]`;
    violations.push({ value: shown, field, constraint: wrapped ? `Member must satisfy constraint: [${set}]` : set });
  }
  return value as string[];
}

function filterOf(call: Call): LayerFilter {
  const runtime = call.ctx.query.get('CompatibleRuntime');
  const architecture = call.ctx.query.get('CompatibleArchitecture');
  if (runtime !== null && !KNOWN_RUNTIMES.includes(runtime)) {
    throw constraintViolation(runtime, 'compatibleRuntime', `Member must satisfy enum value set: [${KNOWN_RUNTIMES.join(', ')}]`);
  }
  if (architecture !== null && !ARCHITECTURES.includes(architecture)) {
    throw constraintViolation(architecture, 'compatibleArchitecture', `Member must satisfy enum value set: [${ARCHITECTURES.join(', ')}]`);
  }
  return { ...(runtime !== null ? { runtime } : {}), ...(architecture !== null ? { architecture } : {}) };
}

/** Layer listings take MaxItems 1–50. */
function maxLayerItems(call: Call): string | null {
  const raw = call.ctx.query.get('MaxItems');
  if (raw === null) return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw constraintViolation(raw, 'maxItems', 'Member must have value greater than or equal to 1');
  if (n > 50) throw constraintViolation(raw, 'maxItems', 'Member must have value less than or equal to 50');
  return raw;
}

function listed(call: Call, items: Record<string, unknown>[], key: string): void {
  const { items: slice, nextMarker } = page(items, call.ctx.query.get('Marker'), maxLayerItems(call), 50);
  sendJson(call.ctx.res, 200, { [key]: slice, ...(nextMarker ? { NextMarker: nextMarker } : {}) });
}

export const LAYER_ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: new RegExp(`^/2018-10-31/layers/${LAYER}/versions/?$`),
    operation: 'PublishLayerVersion',
    async handle(call) {
      const ref = layerOf(call);
      const body = await jsonBody(call.ctx, MAX_CODE_REQUEST, 'PublishLayerVersion');
      const content = body.Content;
      if (!content || typeof content !== 'object') throw InvalidParameterValue('Please provide a source for the layer content.');
      const c = content as Record<string, unknown>;
      if (c.S3Bucket !== undefined || c.S3Key !== undefined) {
        throw InvalidParameterValue('Nimbus has no S3: upload the layer archive as Content.ZipFile.');
      }
      const zip = decodeZip(c.ZipFile, 'Please provide a source for the layer content.');
      const description = body.Description !== undefined ? validateDescription(body.Description) : undefined;
      const licenseInfo = optionalString(body, 'LicenseInfo', 'licenseInfo');
      if (licenseInfo !== undefined && licenseInfo.length > 512) {
        throw constraintViolation(licenseInfo, 'licenseInfo', 'Member must have length less than or equal to 512');
      }
      const violations: Violation[] = [];
      const compatibleRuntimes = enumList(body.CompatibleRuntimes, 'compatibleRuntimes', KNOWN_RUNTIMES, 15, violations, false);
      const compatibleArchitectures = enumList(body.CompatibleArchitectures, 'compatibleArchitectures', ARCHITECTURES, 2, violations, true);
      if (violations.length > 0) throw constraintViolations(violations);
      const version = await call.deps.layers.publish(scopeFor(call, ref), {
        layerName: ref.name,
        zip,
        ...(description !== undefined ? { description } : {}),
        ...(licenseInfo !== undefined ? { licenseInfo } : {}),
        ...(compatibleRuntimes ? { compatibleRuntimes } : {}),
        ...(compatibleArchitectures ? { compatibleArchitectures } : {}),
      });
      sendJson(call.ctx.res, 201, renderLayerVersion(version, call.deps.endpoint()));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2018-10-31/layers/${LAYER}/versions/?$`),
    operation: 'ListLayerVersions',
    handle(call) {
      const ref = layerOf(call);
      const versions = call.deps.layers.versions(scopeFor(call, ref), ref.name, filterOf(call));
      listed(call, versions.map(renderLayerVersionItem), 'LayerVersions');
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2018-10-31/layers/${LAYER}/versions/${VERSION}/?$`),
    operation: 'GetLayerVersion',
    handle(call) {
      const ref = layerOf(call);
      const version = call.deps.layers.get(scopeFor(call, ref), ref.name, versionOf(call));
      sendJson(call.ctx.res, 200, renderLayerVersion(version, call.deps.endpoint()));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2018-10-31/layers/${LAYER}/versions/${VERSION}/?$`),
    operation: 'DeleteLayerVersion',
    handle(call) {
      const ref = layerOf(call);
      call.deps.layers.delete(scopeFor(call, ref), ref.name, versionOf(call));
      sendEmpty(call.ctx.res, 204);
    },
  },
  {
    method: 'GET',
    pattern: /^\/2018-10-31\/layers\/?$/,
    operation: 'ListLayers',
    handle(call) {
      // GetLayerVersionByArn shares the path: `?find=LayerVersion&Arn=…`.
      if (call.ctx.query.get('find') === 'LayerVersion') {
        const ref = parseLayerVersionArnParam(call.ctx.query.get('Arn'));
        const version = call.deps.layers.get({ accountId: ref.accountId, region: ref.region }, ref.name, ref.version);
        sendJson(call.ctx.res, 200, renderLayerVersion(version, call.deps.endpoint()));
        return;
      }
      const latest = call.deps.layers.list(scopeOf(call.ctx), filterOf(call));
      listed(
        call,
        latest.map((v) => ({
          LayerName: v.layerName,
          LayerArn: layerArn(v.region, v.accountId, v.layerName),
          LatestMatchingVersion: renderLayerVersionItem(v),
        })),
        'Layers',
      );
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2018-10-31/layers/${LAYER}/versions/${VERSION}/policy/?$`),
    operation: 'AddLayerVersionPermission',
    async handle(call) {
      const ref = layerOf(call);
      const version = versionOf(call);
      const body = await jsonBody(call.ctx);
      const sid = body.StatementId;
      if (typeof sid !== 'string' || sid.length < 1 || sid.length > 100 || !/^([a-zA-Z0-9-_]+)$/.test(sid)) {
        throw constraintViolation(sid, 'statementId', 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)');
      }
      if (body.Action !== 'lambda:GetLayerVersion') {
        throw constraintViolation(body.Action, 'action', 'Member must satisfy regular expression pattern: lambda:GetLayerVersion');
      }
      const principal = body.Principal;
      if (typeof principal !== 'string' || !/^(\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root)$/.test(principal)) {
        throw constraintViolation(principal, 'principal', 'Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root');
      }
      const organizationId = optionalString(body, 'OrganizationId', 'organizationId');
      if (organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(organizationId)) {
        throw constraintViolation(organizationId, 'organizationId', 'Member must satisfy regular expression pattern: o-[a-z0-9]{10,32}');
      }
      const revisionId = call.ctx.query.get('RevisionId') ?? undefined;
      const out = call.deps.layers.addPermission(scopeFor(call, ref), ref.name, version, {
        statementId: sid,
        action: body.Action,
        principal,
        ...(organizationId !== undefined ? { organizationId } : {}),
        ...(revisionId !== undefined ? { revisionId } : {}),
      });
      sendJson(call.ctx.res, 201, { Statement: JSON.stringify(out.statement), RevisionId: out.revisionId });
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2018-10-31/layers/${LAYER}/versions/${VERSION}/policy/?$`),
    operation: 'GetLayerVersionPolicy',
    handle(call) {
      const ref = layerOf(call);
      const policy = call.deps.layers.policy(scopeFor(call, ref), ref.name, versionOf(call));
      sendJson(call.ctx.res, 200, {
        Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: policy.statements }),
        RevisionId: policy.revisionId,
      });
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2018-10-31/layers/${LAYER}/versions/${VERSION}/policy/([^/]+)/?$`),
    operation: 'RemoveLayerVersionPermission',
    handle(call) {
      const ref = layerOf(call);
      const sid = decodeOrKeep(call.params[2]!);
      const revisionId = call.ctx.query.get('RevisionId') ?? undefined;
      call.deps.layers.removePermission(scopeFor(call, ref), ref.name, versionOf(call), sid, revisionId);
      sendEmpty(call.ctx.res, 204);
    },
  },
];
