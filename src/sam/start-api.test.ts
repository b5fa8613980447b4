import { describe, expect, it } from 'vitest';
import { isSourceChange } from './start-api.js';

describe('local start-api reloads', () => {
  it('on code and template changes, not on hidden folders, packages, caches or logs', () => {
    for (const f of ['template.yaml', 'src/index.js', 'src/lib/util.py', 'statemachine/flow.asl.json']) expect(isSourceChange(f), f).toBe(true);
    for (const f of ['.git/index', '.nimbus-sam/build/template.yaml', 'src/.idea/x', 'node_modules/a/index.js', 'src/node_modules/b.js', 'app/__pycache__/m.pyc', 'server.log', 'logs/api.log']) {
      expect(isSourceChange(f), f).toBe(false);
    }
  });
});
