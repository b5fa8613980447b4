// AWS service ("first-class") integrations of HTTP APIs: an AWS_PROXY integration with an
// `integrationSubtype` calls one AWS API action, its parameters taken from the integration's
// `requestParameters` (static values or `$request…` / `$context…` / `$stageVariables…` mappings,
// evaluated per request by the data plane). AWS: "Integration subtype reference" of the API Gateway
// developer guide. Nimbus serves the subtypes of the services it runs (Step Functions, EventBridge);
// the SQS, Kinesis and AppConfig ones are refused at creation, since nothing could answer them.
import { BadRequest } from './errors.js';

export interface SubtypeSpec {
  /** The service's signing name: the front door routes the call by it. */
  readonly service: 'states' | 'events';
  /** The API action (`X-Amz-Target` suffix). */
  readonly action: string;
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

const SFN_START = { service: 'states', required: ['StateMachineArn'], optional: ['Name', 'Input', 'Region'] } as const;

export const SUBTYPES: Readonly<Record<string, SubtypeSpec>> = {
  'StepFunctions-StartExecution': { ...SFN_START, action: 'StartExecution' },
  'StepFunctions-StartSyncExecution': { ...SFN_START, action: 'StartSyncExecution', optional: [...SFN_START.optional, 'TraceHeader'] },
  'StepFunctions-StopExecution': { service: 'states', action: 'StopExecution', required: ['ExecutionArn'], optional: ['Cause', 'Error', 'Region'] },
  'EventBridge-PutEvents': {
    service: 'events',
    action: 'PutEvents',
    required: ['Detail', 'DetailType', 'Source'],
    optional: ['Time', 'EventBusName', 'Resources', 'Region', 'TraceHeader'],
  },
};

/** Subtypes AWS has that need a service Nimbus does not run. */
const NOT_PROVIDED = new Set([
  'SQS-SendMessage', 'SQS-ReceiveMessage', 'SQS-DeleteMessage', 'SQS-PurgeQueue', 'AppConfig-GetConfiguration', 'Kinesis-PutRecord',
]);

/**
 * Checks a subtype integration as it would be stored: a known subtype, payload format 1.0 (the only
 * version the subtypes have), every required parameter mapped and no parameter the action lacks.
 */
export function checkSubtype(subtype: string, payloadFormatVersion: string | undefined, params: Readonly<Record<string, string>> | undefined): SubtypeSpec {
  if (NOT_PROVIDED.has(subtype)) throw BadRequest(`Integration subtype ${subtype} is not supported by Nimbus (no such service here)`);
  const spec = SUBTYPES[subtype];
  if (!spec) throw BadRequest(`Invalid integration subtype specified: ${subtype}`);
  if (payloadFormatVersion !== undefined && payloadFormatVersion !== '1.0') {
    throw BadRequest(`Integration subtype ${subtype} supports payload format version 1.0 only`);
  }
  const given = params ?? {};
  const missing = spec.required.filter((p) => given[p] === undefined || given[p] === '');
  if (missing.length > 0) throw BadRequest(`Missing required parameters for integration subtype ${subtype}: ${missing.join(', ')}`);
  const known = new Set([...spec.required, ...spec.optional]);
  const unknown = Object.keys(given).filter((p) => !known.has(p));
  if (unknown.length > 0) throw BadRequest(`Unsupported parameters for integration subtype ${subtype}: ${unknown.join(', ')}`);
  return spec;
}
