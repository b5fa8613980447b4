// Bad input never crashes the validator: mutated versions of real definitions (wrong types,
// deleted fields, odd values) must yield OK or AWS-shaped diagnostics, never an exception.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { AslValidationError, parseDefinition, validateDefinition, type Json } from './index.js';

const ROOT = new URL('../../../test/conformance/stepfunctions/cases/', import.meta.url).pathname;
const defs: Json[] = [];
for (const d of readdirSync(ROOT)) for (const f of readdirSync(join(ROOT, d)).slice(0, 4)) {
  defs.push(JSON.parse(JSON.parse(readFileSync(join(ROOT, d, f), 'utf8')).definitionText as string) as Json);
}

// Deterministic PRNG so a failure is reproducible.
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const WEIRD: Json[] = [null, true, 0, -1, 1.5, '', '$', '$$', '$.', 'States.Format(', '{% %}', '{% 1 + %}', [], {}, [null], { a: { b: [] } }, 'x'.repeat(300)];

function mutate(v: Json, depth = 0): Json {
  if (Array.isArray(v)) {
    const out = v.map((x) => mutate(x, depth + 1));
    if (rnd() < 0.05) out.push(pick(WEIRD));
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = rnd();
      if (r < 0.04) continue;                       // delete
      if (r < 0.10) { out[k] = pick(WEIRD); continue; } // replace
      out[k] = mutate(x, depth + 1);
    }
    if (rnd() < 0.03) out[pick(['Next', 'End', 'Type', 'Choices', 'Branches', 'Retry', 'Catch', 'Items', 'Output', 'Unknown'])] = pick(WEIRD);
    return out;
  }
  return rnd() < 0.03 ? pick(WEIRD) : v;
}

test('mutated definitions never crash validation', () => {
  let failed = 0;
  for (let round = 0; round < 3; round++) {
    for (const d of defs) {
      const text = JSON.stringify(mutate(d));
      const r = validateDefinition(text);
      expect(['OK', 'FAIL']).toContain(r.result);
      try {
        parseDefinition(text);
        expect(r.result).toBe('OK');
      } catch (e) {
        expect(e).toBeInstanceOf(AslValidationError);
        expect((e as Error).message.startsWith("Invalid State Machine Definition: '")).toBe(true);
        failed++;
      }
    }
  }
  expect(failed).toBeGreaterThan(0);
});
