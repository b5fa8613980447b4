import { describe, expect, it } from 'vitest';
import { addReport, emptyUsage, grossCost, monthlyBill, parseReport } from './cost.js';

describe('parseReport', () => {
  it('reads a warm REPORT line', () => {
    const r = parseReport('REPORT RequestId: abc\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n');
    expect(r).toEqual({ durationMs: 12.34, billedMs: 13, memoryMb: 128 });
  });
  it('bills the INIT phase of a cold start (AWS, since August 2025)', () => {
    const r = parseReport('REPORT RequestId: abc\tDuration: 10.20 ms\tBilled Duration: 11 ms\tMemory Size: 256 MB\tMax Memory Used: 40 MB\tInit Duration: 100.50 ms\t\n');
    expect(r).toEqual({ durationMs: 10.2, initDurationMs: 100.5, billedMs: 111, memoryMb: 256 });
  });
  it("reads the JSON log format's platform.report record", () => {
    const record = { time: '2026-01-01T00:00:00.000Z', type: 'platform.report', record: { requestId: 'abc', status: 'success', metrics: { durationMs: 10.2, billedDurationMs: 111, memorySizeMB: 256, maxMemoryUsedMB: 40, initDurationMs: 100.5 } } };
    expect(parseReport(`${JSON.stringify(record)}\n`)).toEqual({ durationMs: 10.2, initDurationMs: 100.5, billedMs: 111, memoryMb: 256 });
  });
  it('ignores other lines', () => {
    expect(parseReport('START RequestId: abc Version: $LATEST')).toBeUndefined();
    expect(parseReport('REPORT nothing')).toBeUndefined();
    expect(parseReport('{"time":"x","type":"platform.start","record":{"requestId":"abc"}}')).toBeUndefined();
    expect(parseReport('{"message":"platform.report" broken')).toBeUndefined();
  });
});

describe('monthlyBill', () => {
  it('is free inside the free tier', () => {
    const u = emptyUsage();
    addReport(u, { durationMs: 100, billedMs: 100, memoryMb: 1024 }, 'x86_64');
    const bill = monthlyBill(u);
    expect(bill.requests).toBe(1);
    expect(bill.gbSeconds).toBeCloseTo(0.1);
    expect(bill.total).toBe(0);
    expect(grossCost(u)).toBeCloseTo(0.2 / 1e6 + 0.1 * 0.0000166667, 12);
  });
  it('bills requests and GB-seconds past the free tier', () => {
    // AWS pricing example shape: 3M requests of 1 s at 512 MB → 1.5M GB-s.
    const u = { requests: 3_000_000, gbSeconds: { x86_64: 1_500_000, arm64: 0 } };
    const bill = monthlyBill(u);
    expect(bill.requestCost).toBeCloseTo(0.4, 6);
    expect(bill.durationCost).toBeCloseTo(1_100_000 * 0.0000166667, 6);
    expect(bill.total).toBeCloseTo(18.73, 2);
  });
  it('uses the cheaper arm64 price and tiers', () => {
    const u = { requests: 0, gbSeconds: { x86_64: 0, arm64: 400_000 + 7_500_000_000 + 1000 } };
    const bill = monthlyBill(u);
    expect(bill.durationCost).toBeCloseTo(7_500_000_000 * 0.0000133334 + 1000 * 0.0000120001, 2);
  });
});
