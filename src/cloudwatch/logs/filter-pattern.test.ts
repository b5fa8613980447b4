import { describe, expect, it } from 'vitest';
import { compileFilterPattern } from './filter-pattern.js';

const m = (pattern: string, message: string) => compileFilterPattern(pattern)(message);

describe('term patterns', () => {
  it('empty matches everything', () => {
    expect(m('', 'anything')).toBe(true);
    expect(m('   ', '')).toBe(true);
  });
  it('terms are ANDed, case-sensitive substrings', () => {
    expect(m('ERROR', '[ERROR 400] BAD REQUEST')).toBe(true);
    expect(m('error', '[ERROR 400] BAD REQUEST')).toBe(false);
    expect(m('ERROR ARGUMENTS', '[ERROR 419] MISSING ARGUMENTS')).toBe(true);
    expect(m('ERROR ARGUMENTS', '[ERROR 400] BAD REQUEST')).toBe(false);
  });
  it('quoted phrases match exactly, with escapes', () => {
    expect(m('"INTERNAL SERVER ERROR"', '[ERROR 500] INTERNAL SERVER ERROR')).toBe(true);
    expect(m('"SERVER INTERNAL"', '[ERROR 500] INTERNAL SERVER ERROR')).toBe(false);
    expect(m('"say \\"hi\\""', 'they say "hi" loudly')).toBe(true);
  });
  it('? terms are ORed and - terms exclude', () => {
    expect(m('?ERROR ?WARN', 'WARN slow')).toBe(true);
    expect(m('?ERROR ?WARN', 'INFO fine')).toBe(false);
    expect(m('ERROR -ARGUMENTS', '[ERROR 419] MISSING ARGUMENTS')).toBe(false);
    expect(m('ERROR -ARGUMENTS', '[ERROR 400] BAD REQUEST')).toBe(true);
    expect(m('-"BAD REQUEST"', '[ERROR 400] BAD REQUEST')).toBe(false);
  });
  it('%regex% terms', () => {
    expect(m('%ERROR [0-9]{3}%', '[ERROR 419] X')).toBe(true);
    expect(m('%^INFO%', '[ERROR 419] X')).toBe(false);
  });
  it('rejects malformed patterns with InvalidParameterException', () => {
    expect(() => compileFilterPattern('"unterminated')).toThrow(expect.objectContaining({ name: 'InvalidParameterException', status: 400 }));
    expect(() => compileFilterPattern('%(group)%')).toThrow(expect.objectContaining({ name: 'InvalidParameterException' }));
  });
});

describe('JSON patterns', () => {
  const doc = JSON.stringify({
    eventType: 'UpdateTrail',
    sourceIPAddress: '123.123.123.123',
    arrayKey: ['value', 'another value'],
    objectList: [{ name: 'a', id: 1 }, { name: 'b', id: 2 }],
    SomeObject: null,
    ThisFlag: true,
    latency: 250,
    nested: { deep: { key: 'v1' } },
  });
  it('string equality with wildcards and !=', () => {
    expect(m('{ $.eventType = "UpdateTrail" }', doc)).toBe(true);
    expect(m('{ $.eventType = UpdateTrail }', doc)).toBe(true);
    expect(m('{ $.eventType = "Update*" }', doc)).toBe(true);
    expect(m('{ $.eventType != "UpdateTrail" }', doc)).toBe(false);
    expect(m('{ $.sourceIPAddress = 123.123.* }', doc)).toBe(true);
    expect(m('{ $.nested.deep.key = "v1" }', doc)).toBe(true);
  });
  it('numeric comparisons', () => {
    expect(m('{ $.latency > 200 }', doc)).toBe(true);
    expect(m('{ $.latency >= 250 }', doc)).toBe(true);
    expect(m('{ $.latency < 250 }', doc)).toBe(false);
    expect(m('{ $.latency = 250 }', doc)).toBe(true);
    expect(m('{ $.latency != 250.0 }', doc)).toBe(false);
  });
  it('arrays, null, booleans and existence', () => {
    expect(m('{ $.arrayKey[1] = "another value" }', doc)).toBe(true);
    expect(m('{ $.objectList[1].id = 2 }', doc)).toBe(true);
    expect(m('{ $.SomeObject IS NULL }', doc)).toBe(true);
    expect(m('{ $.ThisFlag IS TRUE }', doc)).toBe(true);
    expect(m('{ $.ThisFlag IS FALSE }', doc)).toBe(false);
    expect(m('{ $.SomeOtherObject NOT EXISTS }', doc)).toBe(true);
    expect(m('{ $.eventType NOT EXISTS }', doc)).toBe(false);
    expect(m('{ $.missing = "x" }', doc)).toBe(false);
  });
  it('&&, || and parentheses', () => {
    expect(m('{ ($.latency > 300 || $.eventType = "UpdateTrail") && $.ThisFlag IS TRUE }', doc)).toBe(true);
    expect(m('{ $.latency > 300 || $.eventType = "Nope" }', doc)).toBe(false);
    expect(m('{ $.latency > 1 && $.eventType = "Nope" }', doc)).toBe(false);
  });
  it('wildcards match any run (newlines too) in linear time', () => {
    expect(m('{ $.msg = "a*c" }', JSON.stringify({ msg: 'ab\nbc' }))).toBe(true);
    expect(m('{ $.msg = "a.c*" }', JSON.stringify({ msg: 'abc' }))).toBe(false);
    expect(m('{ $.msg = "a.c*" }', JSON.stringify({ msg: 'a.cz' }))).toBe(true);
    const evil = '{ $.x = "*a*a*a*a*a*a*a*a*a*a*b" }';
    expect(m(evil, JSON.stringify({ x: 'a'.repeat(20_000) }))).toBe(false);
  });
  it('%regex% values', () => {
    expect(m('{ $.eventType = %Update[A-Z]rail% }', doc)).toBe(true);
  });
  it('non-JSON messages never match', () => {
    expect(m('{ $.a = 1 }', 'a = 1')).toBe(false);
    expect(m('{ $.a = 1 }', '{broken')).toBe(false);
  });
  it('rejects malformed JSON patterns', () => {
    for (const bad of ['{ $.a = }', '{ a = 1 }', '{ $.a = 1', '{ ($.a = 1 }', '{ $.a ~ 1 }', '{ $. = 1 }']) {
      expect(() => compileFilterPattern(bad), bad).toThrow(expect.objectContaining({ name: 'InvalidParameterException' }));
    }
  });
});

describe('space-delimited patterns', () => {
  const line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 1534';
  it('matches fields by position, with conditions', () => {
    expect(m('[ip, user, username, timestamp, request, status_code, bytes]', line)).toBe(true);
    expect(m('[ip, user, username, timestamp, request, status_code = 404, bytes]', line)).toBe(true);
    expect(m('[ip, user, username, timestamp, request, status_code = 4*, bytes > 1000]', line)).toBe(true);
    expect(m('[ip, user, username, timestamp, request, status_code = 2*, bytes]', line)).toBe(false);
    expect(m('[ip, user, username, timestamp, request = "*gif*", ...]', line)).toBe(true);
    expect(m('[ip = 127.0.0.1, ...]', line)).toBe(true);
    expect(m('[..., status_code = 404 || status_code = 500, bytes]', line)).toBe(true);
    expect(m('[a, b]', line)).toBe(false);
  });
  it('many ellipses stay cheap on long messages', () => {
    const long = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    expect(m('[..., ..., ..., ..., x = nothere]', long)).toBe(false);
    expect(m('[..., ..., ..., ..., last = w2999]', long)).toBe(true);
  });
});
