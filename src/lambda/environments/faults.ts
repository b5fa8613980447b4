// Error payloads Lambda itself produces when a function fails outside its own code (timeout,
// crash, out of memory, bad entrypoint), in the exact shapes and wording AWS returns from Invoke.

function payload(errorType: string, requestId: string, message: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage: `RequestId: ${requestId} Error: ${message}` }));
}

/** `Task timed out after 3.00 seconds`, as in the Invoke payload and the function's log. */
export function timeoutMessage(timeoutSeconds: number): string {
  return `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

export function timeoutFault(requestId: string, timeoutSeconds: number): Buffer {
  return payload('Sandbox.Timedout', requestId, timeoutMessage(timeoutSeconds));
}

const SIGNAL_WORDS: Record<string, string> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
  SIGFPE: 'floating point exception',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGPIPE: 'broken pipe',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'file size limit exceeded',
  SIGTRAP: 'trace/breakpoint trap',
};

/** How AWS (Go's os/exec wording) describes a runtime's end: `exit status 1`, `signal: killed`. */
export function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal: ${SIGNAL_WORDS[signal] ?? signal.toLowerCase()}`;
  return `exit status ${code ?? 0}`;
}

export function exitFault(requestId: string, code: number | null, signal: NodeJS.Signals | null, oom: boolean): Buffer {
  if (oom) return payload('Runtime.OutOfMemory', requestId, `Runtime exited with error: ${exitDescription(code, signal ?? 'SIGKILL')}`);
  if (code === 0 && !signal) return payload('Runtime.ExitError', requestId, 'Runtime exited without providing a reason');
  return payload('Runtime.ExitError', requestId, `Runtime exited with error: ${exitDescription(code, signal)}`);
}

export function invalidEntrypointFault(requestId: string, detail: string): Buffer {
  return payload('Runtime.InvalidEntrypoint', requestId, detail);
}

export function responseTooLargeFault(maxBytes: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size exceeded maximum allowed payload size (${maxBytes} bytes).`,
    }),
  );
}

export function ephemeralStorageFault(requestId: string, limitMb: number): Buffer {
  return payload('Runtime.ExitError', requestId, `Runtime exited with error: /tmp exceeded the function's ephemeral storage (${limitMb} MB)`);
}

export function unavailableRuntimeFault(requestId: string, reason: string): Buffer {
  return payload('Runtime.Unavailable', requestId, reason);
}

/**
 * An error document posted by a runtime, as the Invoke payload: passed through when it is a JSON
 * object (AWS does not rewrite it), wrapped when a runtime posted something else.
 */
export function runtimeErrorPayload(body: Buffer, errorType: string | undefined): Buffer {
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] === 0x7b /* { */) return body;
  return Buffer.from(JSON.stringify({ errorMessage: body.toString('utf8'), errorType: errorType ?? 'Unknown' }));
}
