// A small awsJson1.1 client for Nimbus's CodeDeploy API (no @aws-sdk/client-codedeploy needed; the
// deployer also uses two Nimbus extension operations the SDK would not know).
import { request } from 'undici';

export class CodeDeployClient {
  constructor(private readonly endpoint: string, private readonly region: string) {}

  async call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T> {
    const res = await request(`${this.endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `CodeDeploy_20141006.${operation}`,
        // A SigV4-shaped scope so the front door knows the region (Nimbus does not check signatures).
        authorization: `AWS4-HMAC-SHA256 Credential=nimbus/20260101/${this.region}/codedeploy/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(input),
    });
    const text = await res.body.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (res.statusCode >= 300) {
      const type = String(body.__type ?? 'UnknownError').split('#').pop();
      const err = new Error(String(body.message ?? body.Message ?? text));
      err.name = type ?? 'UnknownError';
      throw err;
    }
    return body as T;
  }
}
