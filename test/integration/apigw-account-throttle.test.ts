// An operator can raise API Gateway's account throttle (AWS raises it on request); GetAccount shows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';

describe('API Gateway account throttle', () => {
  let raised: TestNimbus;
  let plain: TestNimbus;
  beforeAll(async () => {
    raised = await startNimbus({ apiGatewayAccountThrottle: { rateLimit: 50_000, burstLimit: 20_000 } });
    plain = await startNimbus();
  });
  afterAll(async () => {
    await raised.dispose();
    await plain.dispose();
  });

  it('defaults to AWS’s 10,000 rps / 5,000 burst and can be raised at start', async () => {
    const def = await new APIGatewayClient(clientConfig(plain.endpoint)).send(new GetAccountCommand({}));
    expect(def.throttleSettings).toEqual({ rateLimit: 10_000, burstLimit: 5_000 });
    const up = await new APIGatewayClient(clientConfig(raised.endpoint)).send(new GetAccountCommand({}));
    expect(up.throttleSettings).toEqual({ rateLimit: 50_000, burstLimit: 20_000 });
  });
});
