// A RuntimeApiHandler for wire tests (HTTP and channel): answers `next` with event "abc", accepts
// results for "abc" only, and records every call in `seen`.
import { ACCEPTED, INVALID_REQUEST_ID, type RuntimeApiHandler } from '../../src/lambda/environments/runtime-api.js';

export function recordingHandler(seen: string[]): RuntimeApiHandler {
  return {
    next: (poll) => poll.answer([['lambda-runtime-aws-request-id', 'abc']], '{"k":1}'),
    response: (id, body) => (seen.push(`response ${id} ${body.toString()}`), id === 'abc' ? ACCEPTED : INVALID_REQUEST_ID),
    chunk: (id, body, type) => (seen.push(`chunk ${id} ${type} ${body.toString()}`), id === 'abc' ? ACCEPTED : INVALID_REQUEST_ID),
    responseTooLarge: (id) => (seen.push(`too large ${id}`), ACCEPTED),
    error: (id, body, type) => (seen.push(`error ${id} ${type} ${body.toString()}`), ACCEPTED),
    initError: (body, type) => (seen.push(`init ${type} ${body.toString()}`), ACCEPTED),
    claimRequest: (poll) => poll.answer([], '{"cwd":"/var/task"}'),
  };
}
