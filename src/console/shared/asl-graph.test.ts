import { describe, expect, it } from 'vitest';
import { buildStateGraph, describeRule } from './asl-graph.js';

const machine = {
  StartAt: 'Pick',
  States: {
    Pick: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.n', NumericGreaterThan: 10, Next: 'Fan' },
        { And: [{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.b', StringEquals: 'x' } }], Next: 'Wait' },
      ],
      Default: 'Boom',
    },
    Wait: { Type: 'Wait', Seconds: 1, Next: 'Fan' },
    Boom: { Type: 'Fail', Error: 'E' },
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
        {
          StartAt: 'Each',
          States: {
            Each: { Type: 'Map', Iterator: { StartAt: 'Inner', States: { Inner: { Type: 'Succeed' } } }, End: true },
          },
        },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Boom' }],
      End: true,
    },
  },
};

describe('buildStateGraph', () => {
  const g = buildStateGraph(machine);
  it('has a node per state, nested by scope path, with fork and join for Parallel and Map', () => {
    expect(g.nodes.map((n) => n.id).sort()).toEqual([
      '#end', '#start', 'Boom', 'Fan', 'Fan#join', 'Fan/0/A', 'Fan/1/Each', 'Fan/1/Each#join', 'Fan/1/Each/0/Inner', 'Pick', 'Wait',
    ].sort());
    expect(g.byState).toMatchObject({ Inner: 'Fan/1/Each/0/Inner', A: 'Fan/0/A', Fan: 'Fan' });
    expect(g.nodes.find((n) => n.id === 'Fan/1/Each/0/Inner')!.parent).toBe('Fan/1/Each#0');
    expect(g.groups).toEqual([
      { id: 'Fan#box', label: 'Parallel: Fan' },
      { id: 'Fan#0', label: 'Branch 1', parent: 'Fan#box' },
      { id: 'Fan#1', label: 'Branch 2', parent: 'Fan#box' },
      { id: 'Fan/1/Each#box', label: 'Map: Each', parent: 'Fan#1' },
      { id: 'Fan/1/Each#0', label: 'Iterator', parent: 'Fan/1/Each#box' },
    ]);
  });
  it('labels Choice rules, Default and Catch edges; terminal states lead to their scope exit', () => {
    expect(g.edges).toEqual(expect.arrayContaining([
      { from: '#start', to: 'Pick', kind: 'next' },
      { from: 'Pick', to: 'Fan', kind: 'choice', label: '$.n > 10' },
      { from: 'Pick', to: 'Wait', kind: 'choice', label: '$.a is present and not ($.b == "x")' },
      { from: 'Pick', to: 'Boom', kind: 'default', label: 'Default' },
      { from: 'Fan', to: 'Fan/0/A', kind: 'branch' },
      { from: 'Fan/0/A', to: 'Fan#join', kind: 'next' },
      { from: 'Fan/1/Each/0/Inner', to: 'Fan/1/Each#join', kind: 'next' },
      { from: 'Fan/1/Each#join', to: 'Fan#join', kind: 'next' },
      { from: 'Fan#join', to: 'Boom', kind: 'catch', label: 'Catch States.ALL' },
      { from: 'Fan#join', to: '#end', kind: 'next' },
    ]));
    expect(g.edges.some((e) => e.from === 'Boom')).toBe(false);
  });
  it('shortens JSONata conditions and rejects a non-object', () => {
    expect(describeRule({ Condition: '{% $states.input.n > 1 %}', Next: 'X' })).toBe('$states.input.n > 1');
    expect(describeRule({ Variable: '$.x', StringMatchesPath: '$.y' })).toBe('$.x matches "$.y"');
    expect(() => buildStateGraph('nope')).toThrow('The definition is not a JSON object');
  });
});
