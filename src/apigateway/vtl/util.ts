// $util in API Gateway mapping templates: the Java helpers AWS exposes, with Java's exact output
// (StringEscapeUtils.escapeJavaScript, URLEncoder/URLDecoder in UTF-8, Base64).
import { markJson, javaString } from './java.js';
import { hostObject } from './engine.js';

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * commons-lang escapeJavaScript: quotes, backslash and `/` get a backslash, control characters
 * their short escapes (or \u00XX), and every non-ASCII character \uXXXX. AWS documents that single
 * quotes become `\'` (which makes the result invalid JSON when used for a JSON string).
 */
export function escapeJavaScript(input: unknown): string {
  const s = javaString(input);
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x08: rep = '\\b'; break;
        case 0x09: rep = '\\t'; break;
        case 0x0a: rep = '\\n'; break;
        case 0x0c: rep = '\\f'; break;
        case 0x0d: rep = '\\r'; break;
        default: rep = '\\u' + hex4(c);
      }
    } else if (c > 0x7e) {
      if (c > 0x7f) rep = '\\u' + hex4(c);
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x27) rep = "\\'";
    else if (c === 0x5c) rep = '\\\\';
    else if (c === 0x2f) rep = '\\/';
    if (rep !== undefined) {
      out += s.slice(from, i) + rep;
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** java.net.URLEncoder.encode(s, "UTF-8"): unreserved `A-Za-z0-9.-*_`, space as `+`. */
export function urlEncode(input: unknown): string {
  return encodeURIComponent(javaString(input)).replace(/[!'()~]|%20/g, (m) => {
    switch (m) {
      case '%20': return '+';
      case '!': return '%21';
      case "'": return '%27';
      case '(': return '%28';
      case ')': return '%29';
      default: return '%7E';
    }
  });
}

/** java.net.URLDecoder.decode(s, "UTF-8"): `+` is a space; malformed escapes are kept as they are. */
export function urlDecode(input: unknown): string {
  const s = javaString(input).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/(%[0-9a-fA-F]{2})+/g, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    });
  }
}

export function base64Encode(input: unknown): string {
  return Buffer.from(javaString(input), 'utf8').toString('base64');
}

export function base64Decode(input: unknown): string {
  return Buffer.from(javaString(input), 'base64').toString('utf8');
}

/** Parses a JSON string into maps and lists; malformed JSON is a template error, as in AWS. */
export function parseJson(input: unknown): unknown {
  return markJson(JSON.parse(javaString(input)) as unknown);
}

/** The `$util` object handed to templates. */
export const util = hostObject({
  escapeJavaScript,
  parseJson,
  urlEncode,
  urlDecode,
  base64Encode,
  base64Decode,
});
