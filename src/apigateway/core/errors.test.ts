import { describe, expect, it } from 'vitest';
import * as sdk from '@aws-sdk/client-api-gateway';
import { ALL_ERRORS } from './errors.js';

describe('API Gateway error catalog', () => {
  it('names only exceptions @aws-sdk/client-api-gateway knows, with the status AWS models', () => {
    for (const e of ALL_ERRORS) {
      const cls = (sdk as unknown as Record<string, unknown>)[e.errorName];
      expect(typeof cls, e.errorName).toBe('function');
      const instance = new (cls as new (o: object) => { $metadata?: unknown; name: string })({ message: 'x', $metadata: {} });
      expect(instance.name).toBe(e.errorName);
    }
    const statuses = Object.fromEntries(ALL_ERRORS.map((e) => [e.errorName, e.status]));
    expect(statuses).toEqual({
      NotFoundException: 404,
      BadRequestException: 400,
      ConflictException: 409,
      LimitExceededException: 429,
      TooManyRequestsException: 429,
      UnauthorizedException: 401,
    });
  });
});
