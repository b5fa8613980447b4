// The AWS SDK v3 clients the deployer drives, all pointed at one Nimbus endpoint. The deployer
// reaches Nimbus only through these (and the CodeDeploy JSON API), never through its internals.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

export const DEFAULT_ENDPOINT = 'http://localhost:4566';

export interface Clients {
  endpoint: string;
  region: string;
  lambda: LambdaClient;
  sfn: SFNClient;
  apigw: APIGatewayClient;
  apigwv2: ApiGatewayV2Client;
  logs: CloudWatchLogsClient;
  cloudwatch: CloudWatchClient;
  events: EventBridgeClient;
  destroy(): void;
}

export function endpointFrom(option: string | undefined): string {
  return (option ?? process.env.NIMBUS_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

export function makeClients(endpoint: string, region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'): Clients {
  // The SDK's "Node 22 needed from 2027" notice would precede every command's output; Nimbus targets Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = {
    endpoint,
    region,
    // Nimbus accepts any credentials; real ones from the environment are used when present.
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'nimbus',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'nimbus',
    },
    maxAttempts: 2,
    // Nimbus serves every operation on one host (no `sync-` style host prefixes).
    disableHostPrefix: true,
  };
  const c = {
    endpoint,
    region,
    lambda: new LambdaClient(config),
    sfn: new SFNClient(config),
    apigw: new APIGatewayClient(config),
    apigwv2: new ApiGatewayV2Client(config),
    logs: new CloudWatchLogsClient(config),
    cloudwatch: new CloudWatchClient(config),
    events: new EventBridgeClient(config),
  };
  return {
    ...c,
    destroy() {
      c.lambda.destroy();
      c.sfn.destroy();
      c.apigw.destroy();
      c.apigwv2.destroy();
      c.logs.destroy();
      c.cloudwatch.destroy();
      c.events.destroy();
    },
  };
}
