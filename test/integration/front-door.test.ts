import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';

describe('front door', () => {
  let nimbus: TestNimbus;
  beforeAll(async () => {
    nimbus = await startNimbus();
  });
  afterAll(() => nimbus.dispose());

  it('answers an unknown service with an AWS-shaped 404 and a request id', async () => {
    const res = await request(`${nimbus.endpoint}/nothing-here`);
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    expect(await res.body.json()).toMatchObject({ message: expect.stringContaining('/nothing-here') });
  });
});
