import { describe, expect, it } from 'vitest';
import { squeeze } from './squeeze.js';

describe('squeeze', () => {
  it('keeps spans, shrinks long empty gaps to the limit and stays monotone', () => {
    const map = squeeze([[0, 40], [400, 440], [450, 500], [1000, 1040]], 30);
    expect([map(0), map(40)]).toEqual([0, 40]);
    expect([map(400), map(440)]).toEqual([70, 110]);
    expect([map(450), map(500)]).toEqual([120, 170]); // a 10 px gap stays 10 px
    expect([map(1000), map(1040)]).toEqual([200, 240]);
    expect(map(220)).toBeCloseTo(55); // halfway through a squeezed gap
    expect(map(2000)).toBe(1200);
    const ys = [0, 10, 40, 100, 399, 400, 470, 999, 1040, 1500];
    const mapped = ys.map(map);
    for (let i = 1; i < mapped.length; i++) expect(mapped[i]!).toBeGreaterThanOrEqual(mapped[i - 1]!);
  });
});
