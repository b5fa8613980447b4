import { describe, expect, it } from 'vitest';
import { compileLinearRegex } from './regex.js';

const t = (re: string, s: string) => compileLinearRegex(re).test(s);

describe('linear regex (CloudWatch dialect)', () => {
  it('agrees with JavaScript RegExp on the documented operators', () => {
    const cases: [string, string[]][] = [
      ['^[hc]at', ['hat', 'cat', 'that', 'at', 'xcat']],
      ['[hc]at$', ['hat', 'chat', 'hats', 'cat']],
      ['colou?r', ['color', 'colour', 'colouur', 'colr']],
      ['[abcx-z]', ['a', 'y', 'd', '']],
      ['a{3,5}', ['aa', 'aaa', 'xaaaaaay']],
      ['a{2}b', ['aab', 'ab', 'xaaab']],
      ['a{2,}b', ['ab', 'aab', 'aaaaab']],
      ['ERROR|WARN', ['an ERROR', 'WARNING', 'info']],
      ['\\d+ ms', ['took 12 ms', 'took ms']],
      ['\\w+@\\w+\\.com', ['mail bob@example.com now', 'bob@example']],
      ['^$', ['', 'x']],
      ['[^0-9]+$', ['123', '12a', '']],
      ['a.c', ['abc', 'a\nc', 'ac']],
      ['x*', ['', 'yyy']],
      ['\\[ERROR\\]', ['[ERROR] x', 'ERROR']],
      ['^INFO|^WARN', ['INFO a', 'x WARN']],
    ];
    for (const [re, inputs] of cases) {
      const js = new RegExp(re);
      for (const s of inputs) expect(t(re, s), `${re} on ${JSON.stringify(s)}`).toBe(js.test(s));
    }
  });

  it('stays fast on patterns that make backtracking engines explode', () => {
    const evil = 'a*a*a*a*a*a*a*a*a*a*a*b';
    const text = 'a'.repeat(20_000);
    // A backtracking engine would not finish this within the test timeout; this one is linear.
    expect(t(evil, text)).toBe(false);
    expect(t(evil, text + 'b')).toBe(true);
  });

  it('rejects what the dialect does not allow', () => {
    for (const bad of ['(a)', 'a**', '*a', '[abc', 'a{5,2}', 'a{2000}', '\\']) {
      expect(() => compileLinearRegex(bad), bad).toThrow(expect.objectContaining({ name: 'InvalidParameterException' }));
    }
  });
});
