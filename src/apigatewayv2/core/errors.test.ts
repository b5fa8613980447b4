import { describe, expect, it } from 'vitest';
import * as sdk from '@aws-sdk/client-apigatewayv2';
import { ALL_ERRORS } from './errors.js';

describe('API Gateway v2 error catalog', () => {
  it('names only exceptions @aws-sdk/client-apigatewayv2 knows, with the status AWS models', () => {
    for (const e of ALL_ERRORS) {
      const cls = (sdk as unknown as Record<string, unknown>)[e.errorName];
      expect(typeof cls, e.errorName).toBe('function');
      const instance = new (cls as new (o: object) => { name: string })({ message: 'x', $metadata: {} });
      expect(instance.name).toBe(e.errorName);
    }
    expect(Object.fromEntries(ALL_ERRORS.map((e) => [e.errorName, e.status]))).toEqual({
      NotFoundException: 404,
      BadRequestException: 400,
      ConflictException: 409,
      TooManyRequestsException: 429,
    });
  });
});
