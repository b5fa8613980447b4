import { describe, expect, it } from 'vitest';
import * as sdk from '@aws-sdk/client-apigatewaymanagementapi';
import { ALL_ERRORS } from './errors.js';

describe('@connections error catalog', () => {
  it('names only exceptions @aws-sdk/client-apigatewaymanagementapi knows, with the status AWS models', () => {
    for (const e of ALL_ERRORS) {
      const cls = (sdk as unknown as Record<string, unknown>)[e.errorName];
      expect(typeof cls, e.errorName).toBe('function');
      const instance = new (cls as new (o: object) => { name: string; $fault: string })({ message: 'x', $metadata: {} });
      expect(instance.name).toBe(e.errorName);
      expect(instance.$fault).toBe('client');
    }
    expect(Object.fromEntries(ALL_ERRORS.map((e) => [e.errorName, e.status]))).toEqual({ GoneException: 410, PayloadTooLargeException: 413, ForbiddenException: 403 });
  });
});
