// Output and option helpers shared by the SAM commands. Commands take an `Io` so tests run them
// in-process and read what they printed.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TemplateError, TemplateErrors } from './template/errors.js';
import { parseParameterOverrides } from './template/parameters.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: Io = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
};

/** `-t` if given; else the built template when `nimbus build` ran (as `sam` does); else template.yaml/.yml/.json. */
export function templateOption(given: string | undefined, cwd = process.cwd(), preferBuilt = true): string {
  if (given) return resolve(cwd, given);
  const built = join(cwd, '.nimbus-sam', 'build', 'template.yaml');
  if (preferBuilt && existsSync(built)) return built;
  for (const name of ['template.yaml', 'template.yml', 'template.json']) {
    if (existsSync(join(cwd, name))) return join(cwd, name);
  }
  return join(cwd, 'template.yaml');
}

export function overridesOption(values: string[] | undefined): Map<string, string> {
  return parseParameterOverrides(values ?? []);
}

/** Runs a command body: template errors and failures become a message and exit code 1. */
export async function guarded(io: Io, body: () => Promise<number | void>): Promise<number> {
  try {
    return (await body()) ?? 0;
  } catch (err) {
    if (err instanceof TemplateErrors || err instanceof TemplateError) io.err(`Error: ${err.message}`);
    else {
      const e = err as { name?: string; message?: string };
      io.err(`Error: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(err)}`);
    }
    return 1;
  }
}
