import { describe, expect, it } from 'vitest';
import { matches, parsePattern, PatternError } from './pattern.js';

const event = {
  version: '0',
  id: 'e1',
  'detail-type': 'Order Placed',
  source: 'shop.orders',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:s3:::bucket/a.png'],
  detail: { state: 'paid', total: 42.5, items: [{ sku: 'A-1' }, { sku: 'B-2' }], tags: ['new', 'vip'], ip: '10.0.1.7', note: null },
};
const m = (pattern: object) => matches(parsePattern(JSON.stringify(pattern)), event);

describe('event patterns', () => {
  it('matches literals, nested fields and array fields (any element)', () => {
    expect(m({ source: ['shop.orders'], 'detail-type': ['Order Placed', 'Order Cancelled'] })).toBe(true);
    expect(m({ source: ['shop.other'] })).toBe(false);
    expect(m({ detail: { state: ['paid'], total: [42.5] } })).toBe(true);
    expect(m({ detail: { tags: ['vip'] } })).toBe(true);
    expect(m({ detail: { items: { sku: ['B-2'] } } })).toBe(true);
    expect(m({ detail: { note: [null] } })).toBe(true);
    expect(m({ detail: { missing: ['x'] } })).toBe(false);
  });

  it('applies the content filters', () => {
    expect(m({ detail: { state: [{ prefix: 'pa' }] } })).toBe(true);
    expect(m({ resources: [{ suffix: '.png' }] })).toBe(true);
    expect(m({ 'detail-type': [{ 'equals-ignore-case': 'order placed' }] })).toBe(true);
    expect(m({ detail: { state: [{ 'anything-but': ['refunded', 'void'] }] } })).toBe(true);
    expect(m({ detail: { state: [{ 'anything-but': 'paid' }] } })).toBe(false);
    expect(m({ detail: { state: [{ 'anything-but': { prefix: 'pa' } }] } })).toBe(false);
    expect(m({ detail: { total: [{ numeric: ['>', 40, '<=', 42.5] }] } })).toBe(true);
    expect(m({ detail: { total: [{ numeric: ['<', 10] }] } })).toBe(false);
    expect(m({ detail: { state: [{ exists: true }], gone: [{ exists: false }] } })).toBe(true);
    expect(m({ detail: { state: [{ exists: false }] } })).toBe(false);
    expect(m({ detail: { ip: [{ cidr: '10.0.0.0/16' }] } })).toBe(true);
    expect(m({ detail: { ip: [{ cidr: '10.1.0.0/16' }] } })).toBe(false);
    expect(m({ source: [{ wildcard: 'shop.*' }] })).toBe(true);
    expect(m({ detail: { state: [{ prefix: { 'equals-ignore-case': 'PA' } }] } })).toBe(true);
  });

  it('matches $or alternatives', () => {
    expect(m({ $or: [{ source: ['nope'] }, { detail: { state: ['paid'] } }] })).toBe(true);
    expect(m({ $or: [{ source: ['nope'] }, { detail: { state: ['void'] } }] })).toBe(false);
  });

  it('refuses malformed patterns with a reason', () => {
    for (const bad of ['{', '[]', '{"source":"x"}', '{"detail":{"a":[{"bogus":1}]}}', '{"a":[{"numeric":[">"]}]}', '{"a":[{"exists":"yes"}]}']) {
      expect(() => parsePattern(bad), bad).toThrow(PatternError);
    }
  });
});
