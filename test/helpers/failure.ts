// Captures the error an AWS SDK call rejects with, in the parts tests assert on.
export interface Failure {
  name: string;
  status: number | undefined;
  message: string;
  /** Lambda's throttling `Reason`, when the error carries one. */
  reason?: string;
  /** The query-protocol `Code`, when the error carries one. */
  code?: string;
}

export async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; Reason?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return {
      name: e.name,
      status: e.$metadata?.httpStatusCode,
      message: e.message,
      ...(e.Reason !== undefined ? { reason: e.Reason } : {}),
      ...(e.Code !== undefined ? { code: e.Code } : {}),
    };
  }
  throw new Error('expected the call to fail');
}
