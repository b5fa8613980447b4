import { describe, expect, it } from 'vitest';
import * as sdk from '@aws-sdk/client-cloudwatch-logs';
import { CATALOG } from './errors.js';

describe('logs error catalog', () => {
  it('every error name is an exception class of @aws-sdk/client-cloudwatch-logs, with status 400', () => {
    for (const e of CATALOG) {
      expect(typeof (sdk as Record<string, unknown>)[e.errorName], e.errorName).toBe('function');
      expect(e.status).toBe(400);
    }
  });
});
