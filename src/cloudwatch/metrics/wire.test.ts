import { describe, expect, it } from 'vitest';
import * as sdk from '@aws-sdk/client-cloudwatch';
import { CATALOG } from './errors.js';
import { decodeJson, decodeQuery, queryResponse, toJsonValue, type Struct } from './wire.js';

const schema: Struct = {
  Namespace: 'string',
  Period: 'integer',
  StartTime: 'timestamp',
  Statistics: { list: 'string' },
  MetricData: { list: { struct: { MetricName: 'string', Value: 'number', Dimensions: { list: { struct: { Name: 'string', Value: 'string' } } } } } },
};

describe('awsQuery decoding', () => {
  it('rebuilds lists and structures from member.N keys and converts scalars', () => {
    const p = new URLSearchParams(
      'Action=X&Namespace=App&Period=60&StartTime=2026-11-27T05%3A00%3A00Z&Statistics.member.1=Sum&Statistics.member.2=Maximum' +
        '&MetricData.member.1.MetricName=a&MetricData.member.1.Value=1.5&MetricData.member.1.Dimensions.member.1.Name=k' +
        '&MetricData.member.1.Dimensions.member.1.Value=v&MetricData.member.2.MetricName=b',
    );
    expect(decodeQuery(p, schema)).toEqual({
      Namespace: 'App',
      Period: 60,
      StartTime: Date.UTC(2026, 10, 27, 5),
      Statistics: ['Sum', 'Maximum'],
      MetricData: [{ MetricName: 'a', Value: 1.5, Dimensions: [{ Name: 'k', Value: 'v' }] }, { MetricName: 'b' }],
    });
  });
  it('rejects values of the wrong type as InvalidParameterValue', () => {
    expect(() => decodeQuery(new URLSearchParams('Period=abc'), schema)).toThrow(
      expect.objectContaining({ name: 'InvalidParameterValueException', status: 400 }),
    );
  });
});

describe('JSON 1.0 decoding', () => {
  it('turns epoch-second timestamps into ms and rejects wrong types', () => {
    expect(decodeJson({ StartTime: 1_700_000_000.5, Period: 60 }, schema)).toEqual({ StartTime: 1_700_000_000_500, Period: 60 });
    expect(() => decodeJson({ Period: '60' }, schema)).toThrow(expect.objectContaining({ name: 'SerializationException' }));
    expect(() => decodeJson({ MetricData: [{ Value: 'x' }] }, schema)).toThrow(expect.objectContaining({ name: 'SerializationException' }));
  });
  it('renders Dates as epoch seconds and Maps as objects', () => {
    expect(toJsonValue({ T: new Date(1500), M: new Map([['p99', 3]]), U: undefined })).toEqual({ T: 1.5, M: { p99: 3 } });
  });
});

describe('XML rendering', () => {
  it('wraps results, lists and maps as the query protocol does', () => {
    const xml = queryResponse('GetMetricStatistics', { Label: 'a<b', Datapoints: [{ ExtendedStatistics: new Map([['p50', 1]]) }] }, 'rid');
    expect(xml).toContain('<GetMetricStatisticsResult><Label>a&lt;b</Label><Datapoints><member><ExtendedStatistics><entry><key>p50</key><value>1</value></entry>');
    expect(xml).toContain('<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>');
  });
});

describe('metrics error catalog', () => {
  it('every error is an exception class of @aws-sdk/client-cloudwatch', () => {
    for (const e of CATALOG) expect(typeof (sdk as Record<string, unknown>)[e.errorName], e.errorName).toBe('function');
  });
});
