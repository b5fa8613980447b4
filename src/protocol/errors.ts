// The one error type every service throws. `name` is the AWS error code a client parses into its
// exception class; `status` is the HTTP status; `fields` are extra members of the error body
// (Lambda's `Reason`, `Type`…). Rendering lives in ./render.ts, never in the services.

export interface ServiceErrorOptions {
  /** Extra members rendered into the error body, e.g. `{ Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' }`. */
  fields?: Record<string, unknown>;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  /** Whether the caller is at fault (4xx). Defaults to status < 500. */
  senderFault?: boolean;
}

export class ServiceError extends Error {
  readonly status: number;
  readonly fields: Record<string, unknown>;
  readonly headers: Record<string, string>;
  readonly senderFault: boolean;

  constructor(name: string, status: number, message: string, options: ServiceErrorOptions = {}) {
    super(message);
    this.name = name;
    this.status = status;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
    this.senderFault = options.senderFault ?? status < 500;
  }
}

/** Builds a catalog entry: `const NotFound = errorType('ResourceNotFoundException', 404)`. */
export function errorType(name: string, status: number, defaults: ServiceErrorOptions = {}) {
  const make = (message: string, options: ServiceErrorOptions = {}) =>
    new ServiceError(name, status, message, {
      ...defaults,
      ...options,
      fields: { ...defaults.fields, ...options.fields },
      headers: { ...defaults.headers, ...options.headers },
    });
  return Object.assign(make, { errorName: name, status });
}

export type ErrorFactory = ReturnType<typeof errorType>;

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof ServiceError;
}
