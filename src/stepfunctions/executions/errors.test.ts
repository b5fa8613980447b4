// Every error name in the catalog is an exception class the SDK knows (so clients parse it), except
// the two protocol-level names every awsJson service answers with.
import { describe, expect, it } from 'vitest';
import * as sfn from '@aws-sdk/client-sfn';
import { SfnErrors } from './errors.js';

const PROTOCOL_LEVEL = new Set(['UnknownOperationException', 'SerializationException']);

describe('Step Functions error catalog', () => {
  it('names only exceptions of @aws-sdk/client-sfn, all HTTP 400', () => {
    for (const [name, factory] of Object.entries(SfnErrors)) {
      expect(factory.errorName).toBe(name);
      expect(factory.status).toBe(400);
      if (PROTOCOL_LEVEL.has(name)) continue;
      const cls = (sfn as Record<string, unknown>)[name] ?? (sfn as Record<string, unknown>)[`${name}Exception`];
      expect(typeof cls, name).toBe('function');
    }
  });
});
