import { describe, expect, test } from 'vitest';
import { findJsonFault } from './json-error.js';

const VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

describe('findJsonFault (Jackson wording)', () => {
  test('valid JSON has no fault', () => {
    for (const t of ['1', '"s"', 'null', ' {"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]} ']) expect(findJsonFault(t)).toBeUndefined();
  });

  test('messages AWS recorded for StartExecution input and definitions', () => {
    expect(findJsonFault('not a json')).toEqual({ message: `Unrecognized token 'not': was expecting ${VALUES}`, line: 1, column: 4 });
    expect(findJsonFault("{'not': 'json'}")?.message).toBe("Unexpected character (''' (code 39)): was expecting double-quote to start field name");
  });

  test('other faults', () => {
    expect(findJsonFault('[1,]')?.message).toBe(`Unexpected character (']' (code 93)): expected a valid value ${VALUES}`);
    expect(findJsonFault('{"a" 1}')?.message).toBe("Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value");
    expect(findJsonFault('{"a":1 "b"}')?.message).toBe(`Unexpected character ('"' (code 34)): was expecting comma to separate Object entries`);
    expect(findJsonFault('[1 2]')?.message).toBe(`Unexpected character ('2' (code 50)): was expecting comma to separate Array entries`);
    expect(findJsonFault('"abc')?.message).toBe('Unexpected end-of-input: was expecting closing quote for a string value');
    expect(findJsonFault('{"a":1')?.message).toBe('Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)"{"a":1"; line: 1, column: 1])');
    expect(findJsonFault('{"a": ')?.message).toBe('Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)"{"a": "; line: 1, column: 1])');
    expect(findJsonFault('{"a":[1,')?.message).toBe('Unexpected end-of-input: expected close marker for Array (start marker at [Source: (String)"{"a":[1,"; line: 1, column: 6])');
    expect(findJsonFault('01')?.message).toBe('Invalid numeric value: Leading zeroes not allowed');
    expect(findJsonFault('"a\\q"')?.message).toBe("Unrecognized character escape 'q' (code 113)");
    expect(findJsonFault('{\n  x')).toMatchObject({ line: 2, column: 4 });
  });
});
