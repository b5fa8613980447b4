// Parses an HTTP/1.x request head into what the rest of Nimbus reads off node's IncomingMessage:
// method, URL, lower-cased headers joined by node's rules, raw headers in the sender's case, and
// how the body is framed. Strict where leniency lets two parsers disagree on where a request ends
// (request smuggling): CRLF line ends only, no folded lines, one Content-Length, chunked last.

export class HttpParseError extends Error {
  constructor(
    readonly status: 400 | 408 | 417 | 431 | 505,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestHead {
  readonly method: string;
  readonly url: string;
  /** `1.1` or `1.0`. */
  readonly httpVersion: string;
  readonly headers: Record<string, string | string[]>;
  readonly rawHeaders: string[];
  /** Body length when sent with Content-Length; 0 when neither it nor chunked framing is present. */
  readonly contentLength: number;
  readonly chunked: boolean;
  readonly keepAlive: boolean;
  readonly upgrade: boolean;
  readonly expectContinue: boolean;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * Control characters other than tab, CR and LF, anywhere in a head (bytes ≥ 0x80 are obs-text, read
 * as latin1). Checked once over the whole head; a CR or LF not part of a line end is caught line by
 * line. (A class of the bad bytes scans several times faster than one of the good ones.)
 */
const BAD_BYTE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
/** Request targets: no controls, spaces or DEL. */
const BAD_TARGET = /[\x00-\x20\x7f]/;

/** Field names seen before, valid, with their lower-case form: clients send the same few. */
const knownNames = new Map<string, string>();
const MAX_KNOWN_NAMES = 512;

function lowerName(name: string): string {
  let lower = knownNames.get(name);
  if (lower === undefined) {
    if (!TOKEN.test(name)) throw new HttpParseError(400, 'Bad Request');
    lower = name.toLowerCase();
    if (knownNames.size < MAX_KNOWN_NAMES) knownNames.set(name, lower);
  }
  return lower;
}

/** Headers a second copy of which node drops rather than joins. */
const FIRST_WINS = new Set([
  'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since',
  'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after',
  'server', 'user-agent',
]);

/** Parses `text`, the head without its final blank line, as read in latin1. */
export function parseHead(text: string): RequestHead {
  if (BAD_BYTE.test(text)) throw new HttpParseError(400, 'Bad Request');
  let lineEnd = text.indexOf('\r\n');
  if (lineEnd === -1) lineEnd = text.length;
  const requestLine = checkedLine(text, 0, lineEnd);
  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 === sp1) throw new HttpParseError(400, 'Bad Request');
  const method = requestLine.slice(0, sp1);
  const url = requestLine.slice(sp1 + 1, sp2);
  const version = requestLine.slice(sp2 + 1);
  if (!TOKEN.test(method) || url === '' || BAD_TARGET.test(url)) throw new HttpParseError(400, 'Bad Request');
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') {
    throw new HttpParseError(version.startsWith('HTTP/') ? 505 : 400, 'Bad Request');
  }

  const headers: Record<string, string | string[]> = {};
  const rawHeaders: string[] = [];
  let contentLength: string | undefined;
  let transferEncoding: string | undefined;
  let connection = '';
  let upgradeHeader = false;
  let expect: string | undefined;
  let at = lineEnd + 2;
  while (at < text.length) {
    let end = text.indexOf('\r\n', at);
    if (end === -1) end = text.length;
    const line = checkedLine(text, at, end);
    at = end + 2;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new HttpParseError(400, 'Bad Request');
    const name = line.slice(0, colon);
    const lower = lowerName(name);
    const value = trimWhitespace(line, colon + 1);
    rawHeaders.push(name, value);
    switch (lower) {
      case 'content-length':
        if (!/^\d{1,15}$/.test(value) || (contentLength !== undefined && contentLength !== value)) {
          throw new HttpParseError(400, 'Bad Request');
        }
        contentLength = value;
        break;
      case 'transfer-encoding':
        transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
        break;
      case 'connection':
        connection += `,${value.toLowerCase()}`;
        break;
      case 'upgrade':
        upgradeHeader = true;
        break;
      case 'expect':
        expect = value.toLowerCase();
        break;
    }
    const prior = headers[lower];
    if (prior === undefined) headers[lower] = lower === 'set-cookie' ? [value] : value;
    else if (lower === 'set-cookie') (prior as string[]).push(value);
    else if (!FIRST_WINS.has(lower)) headers[lower] = `${prior as string}${lower === 'cookie' ? '; ' : ', '}${value}`;
  }

  let chunked = false;
  if (transferEncoding !== undefined) {
    // Anything but chunked as the last coding leaves the body's end unknowable for a request.
    if (contentLength !== undefined || !/(^|,)[ \t]*chunked[ \t]*$/i.test(transferEncoding)) {
      throw new HttpParseError(400, 'Bad Request');
    }
    chunked = true;
  }
  const keepAlive = version === 'HTTP/1.1' ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
  if (expect !== undefined && expect !== '100-continue') throw new HttpParseError(417, 'Expectation Failed');
  return {
    method,
    url,
    httpVersion: version.slice(5),
    headers,
    rawHeaders,
    contentLength: contentLength === undefined ? 0 : Number(contentLength),
    chunked,
    keepAlive,
    upgrade: upgradeHeader && hasToken(connection, 'upgrade'),
    expectContinue: expect === '100-continue',
  };
}

/** Whether a comma-separated list (lower case, as Connection is kept) holds `token`. */
function hasToken(list: string, token: string): boolean {
  if (list.indexOf(token) === -1) return false;
  return list.split(',').some((t) => t.trim() === token);
}

/** One line of the head, refused if it holds a bare CR or LF. */
function checkedLine(text: string, start: number, end: number): string {
  const line = text.slice(start, end);
  if (line.indexOf('\r') !== -1 || line.indexOf('\n') !== -1) throw new HttpParseError(400, 'Bad Request');
  return line;
}

/** `line` from `start` without leading and trailing spaces and tabs. */
function trimWhitespace(line: string, start: number): string {
  let end = line.length;
  while (start < end && (line.charCodeAt(start) === 32 || line.charCodeAt(start) === 9)) start++;
  while (end > start && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  return line.slice(start, end);
}
