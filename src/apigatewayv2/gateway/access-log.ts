// Access logging of HTTP API stages (`AccessLogSettings`): one line per answered request, the stage's
// format with its `$context.*` variables filled in (`-` when unknown or empty, as AWS prints them),
// written to the CloudWatch Logs group the destination ARN names. Rendering and the ARN rules are the
// REST data plane's; the variables are HTTP APIs' (`routeKey`, `integrationErrorMessage`…).
import { accessLogGroup, renderAccessLog, type AccessLogSink } from '../../apigateway/index.js';
import type { DeployedStage, ServedApi } from '../core/model.js';
import { requestTime } from './request.js';

export interface AccessLogged {
  readonly served: ServedApi;
  readonly stage: DeployedStage;
  readonly requestId: string;
  readonly receivedAt: number;
  readonly method: string;
  /** The path the client asked for, as sent (stage segment included). */
  readonly rawPath: string;
  readonly routeKey: string | undefined;
  readonly status: number;
  readonly responseLength: number;
  readonly integrationLatencyMs: number | undefined;
  /** The gateway's own error message (`Not Found`, `Internal Server Error`…) when it answered itself. */
  readonly errorMessage: string | undefined;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  readonly protocol: string;
  readonly host: string;
  readonly at: number;
}

export function httpApiAccessLog(sink: AccessLogSink): (e: AccessLogged) => void {
  return (e) => {
    const settings = e.stage.stage.accessLogSettings;
    if (!settings?.destinationArn || !settings.format) return;
    const dest = accessLogGroup(settings.destinationArn);
    if (!dest) return;
    const dot = e.host.indexOf('.');
    const integrationLatency = e.integrationLatencyMs ?? '';
    const vars: Record<string, unknown> = {
      accountId: e.served.scope.accountId,
      apiId: e.served.api.apiId,
      domainName: e.host,
      domainPrefix: dot === -1 ? e.host : e.host.slice(0, dot),
      error: { message: e.errorMessage ?? '', messageString: e.errorMessage === undefined ? '' : JSON.stringify(e.errorMessage), responseType: '' },
      extendedRequestId: e.requestId,
      httpMethod: e.method,
      identity: { sourceIp: e.sourceIp, userAgent: e.userAgent ?? '' },
      integration: { latency: integrationLatency, status: '', integrationStatus: '', error: '', requestId: '' },
      integrationErrorMessage: '',
      integrationLatency,
      path: e.rawPath,
      protocol: e.protocol,
      requestId: e.requestId,
      requestTime: requestTime(e.receivedAt),
      requestTimeEpoch: e.receivedAt,
      responseLatency: e.at - e.receivedAt,
      responseLength: e.responseLength,
      routeKey: e.routeKey ?? '',
      stage: e.stage.stage.stageName,
      status: e.status,
    };
    sink.put(dest.accountId, dest.region, dest.group, `${e.served.api.apiId}_${e.stage.stage.stageName}`, [{ timestamp: e.at, message: renderAccessLog(settings.format, vars) }]);
  };
}
