// `samconfig.toml` (what `sam deploy --guided` writes): command defaults per environment, e.g.
//   [default.deploy.parameters]
//   stack_name = "sam-app"
//   parameter_overrides = "Greeting=\"Hi\" Stage=Prod"
// Read with a small TOML subset parser (tables, strings, numbers, booleans, string arrays), enough
// for the files sam writes. Explicit command-line options always win.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type TomlValue = string | number | boolean | TomlValue[];
export type TomlTable = Record<string, TomlValue>;

export class SamConfigError extends Error {
  override readonly name = 'SamConfigError';
}

export function parseToml(text: string, file = 'samconfig.toml'): Record<string, TomlTable> {
  const tables: Record<string, TomlTable> = { '': {} };
  let current = tables['']!;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = stripComment(raw).trim();
    if (!line) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = header[1]!.trim().split('.').map((p) => p.trim().replace(/^"(.*)"$/, '$1')).join('.');
      current = tables[name] ??= {};
      return;
    }
    const eq = line.indexOf('=');
    if (eq < 1) throw new SamConfigError(`${file}:${i + 1}: expected key = value`);
    const key = line.slice(0, eq).trim().replace(/^"(.*)"$/, '$1');
    current[key] = value(line.slice(eq + 1).trim(), `${file}:${i + 1}`);
  });
  return tables;
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

function value(text: string, where: string): TomlValue {
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) throw new SamConfigError(`${where}: unterminated string`);
    return JSON.parse(text) as string; // TOML basic strings escape like JSON for what sam writes
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) throw new SamConfigError(`${where}: unterminated string`);
    return text.slice(1, -1);
  }
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1).trim();
    if (!inner) return [];
    const items: TomlValue[] = [];
    let cur = '';
    let quote: string | null = null;
    for (const c of inner) {
      if (quote) {
        cur += c;
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") {
        quote = c;
        cur += c;
      } else if (c === ',') {
        if (cur.trim()) items.push(value(cur.trim(), where));
        cur = '';
      } else cur += c;
    }
    if (cur.trim()) items.push(value(cur.trim(), where));
    return items;
  }
  throw new SamConfigError(`${where}: unsupported value ${text}`);
}

/** The parameters of `command` in `env` (global parameters first, then the command's). */
export function samConfigFor(dir: string, command: string, env = 'default', file = 'samconfig.toml'): TomlTable {
  const path = join(dir, file);
  if (!existsSync(path)) {
    if (file !== 'samconfig.toml') throw new SamConfigError(`config file ${path} does not exist`);
    return {};
  }
  const tables = parseToml(readFileSync(path, 'utf8'), path);
  return { ...tables[`${env}.global.parameters`], ...tables[`${env}.${command}.parameters`] };
}

/** `parameter_overrides` is a string (`A=1 B="x y"`) or a list of them. */
export function overridesFrom(config: TomlTable): string[] | undefined {
  const v = config.parameter_overrides;
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.map(String) : [String(v)];
}
