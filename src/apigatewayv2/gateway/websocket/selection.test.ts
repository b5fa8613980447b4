import { describe, expect, it } from 'vitest';
import { routeSelectionPath } from '../../core/websocket.js';
import { selectRouteKey } from './selection.js';

describe('WebSocket route selection', () => {
  const action = routeSelectionPath('$request.body.action');

  it('reads the member the expression names', () => {
    expect(selectRouteKey(action, '{"action":"sendmessage","data":1}')).toBe('sendmessage');
    expect(selectRouteKey(routeSelectionPath('${request.body.meta.kind}'), '{"meta":{"kind":"ping"}}')).toBe('ping');
    expect(selectRouteKey(action, '{"action":42}')).toBe('42');
  });

  it('selects nothing for non-JSON, missing members and non-scalar values', () => {
    expect(selectRouteKey(action, 'hello')).toBeUndefined();
    expect(selectRouteKey(action, '{"action":')).toBeUndefined();
    expect(selectRouteKey(action, '{"other":"x"}')).toBeUndefined();
    expect(selectRouteKey(action, '{"action":{"a":1}}')).toBeUndefined();
    expect(selectRouteKey(action, '[1,2]')).toBeUndefined();
    expect(selectRouteKey(action, undefined)).toBeUndefined();
  });

  it('accepts only body expressions', () => {
    expect(routeSelectionPath('$request.body.action')).toEqual(['action']);
    expect(routeSelectionPath('$request.header.x')).toBeUndefined();
    expect(routeSelectionPath('$request.body.')).toBeUndefined();
  });
});
