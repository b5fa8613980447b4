// A function's resource-based policy (AddPermission, GetPolicy, RemovePermission). Statements of
// the function, of each version and of each alias are separate policies; a statement's Resource is
// the ARN it was added under, so that ARN says which policy it belongs to.
import { InvalidParameterValue, ResourceConflict, ResourceNotFound } from '../errors.js';
import type { FunctionRegistry, Scope } from './functions.js';
import { LATEST, functionArn } from './model.js';
import type { FunctionRef } from './names.js';

export interface PermissionInput {
  statementId: string;
  action: string;
  principal: string;
  sourceArn?: string;
  sourceAccount?: string;
  principalOrgId?: string;
  functionUrlAuthType?: string;
  eventSourceToken?: string;
  revisionId?: string;
}

type Statement = Record<string, unknown>;

export class FunctionPolicies {
  constructor(private readonly registry: FunctionRegistry) {}

  add(scope: Scope, ref: FunctionRef, input: PermissionInput): Statement {
    if (ref.qualifier === LATEST) throw InvalidParameterValue('We currently do not support adding policies for $LATEST.');
    const principal = principalOf(input.principal);
    const target = this.registry.policyTarget(scope, ref);
    this.registry.requireRevision(target.revisionId, input.revisionId);
    const resource = functionArn(scope.region, scope.accountId, ref.name, target.qualifier);
    const all = this.registry.meta(scope, ref.name).policy;
    if (all.some((s) => s.Resource === resource && s.Sid === input.statementId)) {
      throw duplicateStatement(input.statementId);
    }
    const statement: Statement = {
      Sid: input.statementId,
      Effect: 'Allow',
      Principal: principal,
      Action: input.action,
      Resource: resource,
      ...conditionOf(input),
    };
    this.registry.setPolicy(scope, ref.name, [...all, statement], target.qualifier === undefined);
    return statement;
  }

  get(scope: Scope, ref: FunctionRef): { statements: Statement[]; revisionId: string } {
    this.registry.checkScope(scope, ref);
    this.registry.meta(scope, ref.name); // an unknown function is "Function not found"
    const statements = this.statements(scope, ref.name, ref.qualifier);
    if (statements.length === 0) throw ResourceNotFound('The resource you requested does not exist.');
    return { statements, revisionId: this.registry.policyTarget(scope, ref).revisionId };
  }

  remove(scope: Scope, ref: FunctionRef, statementId: string, revisionId: string | undefined): void {
    this.registry.checkScope(scope, ref);
    const all = this.registry.hasFunction(scope, ref.name) ? this.registry.meta(scope, ref.name).policy : undefined;
    if (!all) throw ResourceNotFound(`No policy found for: ${functionArn(scope.region, scope.accountId, ref.name, ref.qualifier)}`);
    const target = this.registry.policyTarget(scope, ref);
    const resource = functionArn(scope.region, scope.accountId, ref.name, target.qualifier);
    const own = all.filter((s) => s.Resource === resource);
    if (own.length === 0) throw ResourceNotFound('No policy is associated with the given resource.');
    if (!own.some((s) => s.Sid === statementId)) throw ResourceNotFound(`Statement ${statementId} is not found in resource policy.`);
    this.registry.requireRevision(target.revisionId, revisionId);
    this.registry.setPolicy(
      scope,
      ref.name,
      all.filter((s) => !(s.Resource === resource && s.Sid === statementId)),
      target.qualifier === undefined,
    );
  }

  private statements(scope: Scope, name: string, qualifier: string | undefined): Statement[] {
    const resource = functionArn(scope.region, scope.accountId, name, qualifier);
    return this.registry.meta(scope, name).policy.filter((s) => s.Resource === resource);
  }
}

function duplicateStatement(sid: string) {
  return ResourceConflict(
    `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
  );
}

/** The Principal member AWS writes for each kind of principal it accepts. */
function principalOf(principal: string): Statement['Principal'] {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (/^arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:.+$/.test(principal)) return { AWS: principal };
  if (/^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com|amazon\.com)$/.test(principal)) return { Service: principal };
  throw InvalidParameterValue('The provided principal was invalid. Please check the principal and try again.');
}

/** The optional request fields become conditions, in the order AWS writes them. */
function conditionOf(input: PermissionInput): Statement {
  const equals: Record<string, string> = {};
  if (input.eventSourceToken !== undefined) equals['lambda:EventSourceToken'] = input.eventSourceToken;
  if (input.functionUrlAuthType !== undefined) equals['lambda:FunctionUrlAuthType'] = input.functionUrlAuthType;
  if (input.principalOrgId !== undefined) equals['aws:PrincipalOrgID'] = input.principalOrgId;
  if (input.sourceAccount !== undefined) equals['AWS:SourceAccount'] = input.sourceAccount;
  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(equals).length > 0) condition.StringEquals = equals;
  if (input.sourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': input.sourceArn };
  return Object.keys(condition).length > 0 ? { Condition: condition } : {};
}
