// Lambda layers: publishing immutable layer versions, reading and listing them, their resource
// policies (kept, not enforced: there is no IAM), and resolving the layer version ARNs a function
// names into references to their stored packages. Layer packages live in the same
// content-addressed code store as function packages.
import { randomUUID } from 'node:crypto';
import { InvalidParameterValue, PreconditionFailed, ResourceConflict, ResourceNotFound } from '../errors.js';
import { MAX_UNZIPPED_BYTES, type CodeStore } from './code-store.js';
import type { LayerRepository, LayerScope } from './layer-repository.js';
import { lambdaTimestamp, layerVersionArn, type LayerPolicy, type LayerReference, type LayerVersion } from './model.js';
import { parseLayerVersionArn } from './layer-names.js';

/** Most layers a function may use (AWS's limit). */
export const MAX_FUNCTION_LAYERS = 5;

export interface PublishLayerInput {
  readonly layerName: string;
  readonly zip: Buffer;
  readonly description?: string;
  readonly compatibleRuntimes?: readonly string[];
  readonly compatibleArchitectures?: readonly string[];
  readonly licenseInfo?: string;
}

export interface LayerFilter {
  readonly runtime?: string;
  readonly architecture?: string;
}

export interface PermissionInput {
  readonly statementId: string;
  readonly action: string;
  readonly principal: string;
  readonly organizationId?: string;
  readonly revisionId?: string;
}

const notFound = () => ResourceNotFound('The resource you requested does not exist.');
const staleRevision = () =>
  PreconditionFailed(
    'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id',
  );

export class LayerRegistry {
  constructor(
    private readonly repo: LayerRepository,
    private readonly code: CodeStore,
  ) {}

  async publish(scope: LayerScope, input: PublishLayerInput): Promise<LayerVersion> {
    // The package is checked and stored first: a bad zip must not use up a version number.
    const stored = await this.code.put(input.zip);
    return this.repo.transaction(() => {
      const version: LayerVersion = {
        ...scope,
        layerName: input.layerName,
        version: this.repo.nextVersion(scope, input.layerName),
        description: input.description ?? '',
        createdDate: lambdaTimestamp(),
        compatibleRuntimes: input.compatibleRuntimes ?? [],
        compatibleArchitectures: input.compatibleArchitectures ?? [],
        listsGiven: { runtimes: input.compatibleRuntimes !== undefined, architectures: input.compatibleArchitectures !== undefined },
        ...(input.licenseInfo !== undefined ? { licenseInfo: input.licenseInfo } : {}),
        codeSha256Hex: stored.sha256Hex,
        codeSize: stored.size,
      };
      this.repo.saveVersion(version, undefined);
      return version;
    });
  }

  get(scope: LayerScope, name: string, version: number): LayerVersion {
    checkVersionNumber(version);
    const found = this.repo.version(scope, name, version);
    if (!found) throw notFound();
    return found.version;
  }

  /** Each layer with a version matching the filter, with its newest such version; by name. */
  list(scope: LayerScope, filter: LayerFilter): LayerVersion[] {
    const latest = new Map<string, LayerVersion>();
    for (const v of this.repo.allVersions(scope)) {
      if (!latest.has(v.layerName) && matches(v, filter)) latest.set(v.layerName, v);
    }
    return [...latest.values()];
  }

  /** A layer's versions matching the filter, newest first (none for an unknown layer, as AWS). */
  versions(scope: LayerScope, name: string, filter: LayerFilter): LayerVersion[] {
    return this.repo.versions(scope, name).filter((v) => matches(v, filter));
  }

  /** Bytes of every stored layer version in the scope (AccountUsage.TotalCodeSize counts them). */
  totalCodeSize(scope: LayerScope): number {
    return this.repo.allVersions(scope).reduce((sum, v) => sum + v.codeSize, 0);
  }

  /** Deleting a version that does not exist succeeds, as on AWS; its number is never reused. */
  delete(scope: LayerScope, name: string, version: number): void {
    checkVersionNumber(version);
    this.repo.deleteVersion(scope, name, version);
  }

  addPermission(scope: LayerScope, name: string, version: number, input: PermissionInput): { statement: Record<string, unknown>; revisionId: string } {
    const stored = this.mustVersion(scope, name, version);
    const policy = stored.policy ?? { revisionId: randomUUID(), statements: [] };
    if (policy.statements.some((s) => s.Sid === input.statementId)) {
      throw ResourceConflict(
        `The statement id (${input.statementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
      );
    }
    if (input.revisionId !== undefined && input.revisionId !== policy.revisionId) throw staleRevision();
    const statement: Record<string, unknown> = {
      Sid: input.statementId,
      Effect: 'Allow',
      // An account id is stored as that account's root, as Lambda writes it in the policy.
      Principal: input.principal === '*' ? '*' : { AWS: /^\d{12}$/.test(input.principal) ? `arn:aws:iam::${input.principal}:root` : input.principal },
      Action: input.action,
      Resource: layerVersionArn(scope.region, scope.accountId, name, version),
      ...(input.organizationId ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': input.organizationId } } } : {}),
    };
    const next: LayerPolicy = { revisionId: randomUUID(), statements: [...policy.statements, statement] };
    this.repo.saveVersion(stored.version, next);
    return { statement, revisionId: next.revisionId };
  }

  policy(scope: LayerScope, name: string, version: number): LayerPolicy {
    const stored = this.mustVersion(scope, name, version);
    if (!stored.policy || stored.policy.statements.length === 0) {
      throw ResourceNotFound('No policy is associated with the given resource.');
    }
    return stored.policy;
  }

  removePermission(scope: LayerScope, name: string, version: number, statementId: string, revisionId: string | undefined): void {
    const stored = this.mustVersion(scope, name, version);
    const policy = stored.policy;
    if (revisionId !== undefined && revisionId !== policy?.revisionId) throw staleRevision();
    if (!policy || !policy.statements.some((s) => s.Sid === statementId)) {
      throw ResourceNotFound(`Statement ${statementId} is not found in resource policy.`);
    }
    const statements = policy.statements.filter((s) => s.Sid !== statementId);
    this.repo.saveVersion(stored.version, { revisionId: randomUUID(), statements });
  }

  /**
   * The layers a function names, resolved in order, with AWS's checks: at most five, each an
   * existing version in the function's region, no layer twice. A layer of another account is
   * looked up in that account (its permissions are not enforced).
   */
  resolve(scope: LayerScope, arns: readonly string[]): LayerReference[] {
    if (arns.length > MAX_FUNCTION_LAYERS) throw InvalidParameterValue(`Cannot reference more than ${MAX_FUNCTION_LAYERS} layers.`);
    const seen = new Map<string, string>();
    const out: LayerReference[] = [];
    for (const arn of arns) {
      const parsed = parseLayerVersionArn(arn);
      if (parsed.version === 0) throw InvalidParameterValue(`Layer version ${arn} does not exist.`);
      if (parsed.region !== scope.region) {
        throw InvalidParameterValue(
          `Layers are not in the same region as the function. Layers are expected to be in region ${scope.region}.`,
        );
      }
      const found = this.repo.version({ accountId: parsed.accountId, region: parsed.region }, parsed.name, parsed.version);
      if (!found) throw InvalidParameterValue(`Layer version ${arn} does not exist.`);
      const layerKey = `${parsed.accountId}:${parsed.name}`;
      const earlier = seen.get(layerKey);
      if (earlier !== undefined) {
        throw InvalidParameterValue(
          `Two different versions of the same layer are not allowed to be referenced in the same function. ${earlier} and ${arn} are versions of the same layer.`,
        );
      }
      seen.set(layerKey, arn);
      out.push({ arn, codeSize: found.version.codeSize, codeSha256Hex: found.version.codeSha256Hex });
    }
    return out;
  }

  /** Function code and its layers together must stay within the unzipped limit (250 MB). */
  async checkCombinedSize(codeSha256Hex: string, layers: readonly LayerReference[]): Promise<void> {
    if (layers.length === 0) return;
    const sizes = await Promise.all([codeSha256Hex, ...layers.map((l) => l.codeSha256Hex)].map((hex) => this.code.unzippedSize(hex)));
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total > MAX_UNZIPPED_BYTES) {
      throw InvalidParameterValue(
        `Function code combined with layers exceeds the maximum allowed size of ${MAX_UNZIPPED_BYTES} bytes. The actual size is ${total} bytes.`,
      );
    }
  }

  private mustVersion(scope: LayerScope, name: string, version: number) {
    checkVersionNumber(version);
    const found = this.repo.version(scope, name, version);
    if (!found) throw ResourceNotFound(`Layer version ${layerVersionArn(scope.region, scope.accountId, name, version)} does not exist.`);
    return found;
  }
}

function checkVersionNumber(version: number): void {
  if (!Number.isInteger(version) || version < 1) throw InvalidParameterValue('Layer Version Cannot be less than 1');
}

function matches(v: LayerVersion, filter: LayerFilter): boolean {
  if (filter.runtime !== undefined && !v.compatibleRuntimes.includes(filter.runtime)) return false;
  if (filter.architecture !== undefined && !v.compatibleArchitectures.includes(filter.architecture)) return false;
  return true;
}
