// The hello function: answers API Gateway (REST, proxy integration) and direct invocations.
export interface ApiEvent {
  httpMethod?: string;
  path?: string;
  resource?: string;
  queryStringParameters?: Record<string, string> | null;
  stageVariables?: Record<string, string> | null;
}

export interface ApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function greet(name: string, greeting = process.env.GREETING ?? 'Hello'): string {
  return `${greeting}, ${name}!`;
}

export const lambdaHandler = async (event: ApiEvent): Promise<ApiResult> => {
  const headers = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
  if (event.resource === '/admin/stats') {
    return { statusCode: 200, headers, body: JSON.stringify({ environment: event.stageVariables?.environment ?? 'unknown', uptime: process.uptime() }) };
  }
  const name = event.queryStringParameters?.name ?? 'world';
  return { statusCode: 200, headers, body: JSON.stringify({ message: greet(name) }) };
};
