// Map state validation: processor (ItemProcessor or legacy Iterator) and its ProcessorConfig,
// DISTRIBUTED-only fields, ItemReader/ItemBatcher/ResultWriter contents, limits and Label.
import type { JsonObject, MapProcessor, MapState } from '../model.js';
import { checkType, isObject, type StateScope } from './collector.js';
import { checkJsonataTemplate, checkPathField, checkPayloadTemplate } from './expressions.js';
import { checkCatch, checkRetry } from './error-handling.js';
import { isJsonataExpression } from '../jsonata.js';
import { exclusive, numberOrExpr } from './fieldchecks.js';
import type { GraphValidator } from './states.js';

const MAP_SUBFIELDS: Record<string, readonly string[]> = {
  ItemReader: ['Resource', 'ReaderConfig', 'Parameters', 'Arguments'],
  ItemBatcher: ['MaxItemsPerBatch', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath', 'BatchInput'],
  ResultWriter: ['Resource', 'Parameters', 'Arguments', 'WriterConfig'],
};

const DISTRIBUTED_ONLY = ['ItemReader', 'ItemBatcher', 'ResultWriter',
  'Label'];

export function map(s: StateScope, raw: JsonObject, base: object, graph: GraphValidator): MapState {
  const c = s.c;
  const legacy = raw.Iterator !== undefined;
  const procField = legacy ? 'Iterator' : 'ItemProcessor';
  if (raw.ItemProcessor !== undefined && raw.Iterator !== undefined) c.schema(`Only one of 'ItemProcessor' or 'Iterator' can be specified`, s.loc);
  if (raw.ItemSelector !== undefined && raw.Parameters !== undefined) c.schema(`Only one of 'ItemSelector' or 'Parameters' can be specified`, s.loc);
  exclusive(s, raw, 'MaxConcurrency', 'MaxConcurrencyPath');
  exclusive(s, raw, 'ToleratedFailureCount', 'ToleratedFailureCountPath');
  exclusive(s, raw, 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath');
  exclusive(s, raw, 'ItemsPath', 'Items');

  let processor: MapProcessor | undefined;
  const rawProc = raw[procField];
  if (rawProc === undefined) {
    c.schema('These fields are required: [ItemProcessor]', s.loc);
  } else if (!isObject(rawProc)) {
    c.schema(`The value for the field '${procField}' must be a OBJECT`, `${s.loc}/${procField}`);
  } else {
    const ploc = `${s.loc}/${procField}`;
    if (rawProc.QueryLanguage !== undefined) c.schema(`Field 'QueryLanguage' is not supported`, ploc);
    let mode: 'INLINE' | 'DISTRIBUTED' = 'INLINE';
    let executionType: 'STANDARD' | 'EXPRESS' | undefined;
    const cfg = rawProc.ProcessorConfig;
    if (cfg !== undefined) {
      if (!isObject(cfg)) c.schema(`The value for the field 'ProcessorConfig' must be a OBJECT`, `${ploc}/ProcessorConfig`);
      else {
        for (const k of Object.keys(cfg)) if (k !== 'Mode' && k !== 'ExecutionType') c.schema(`Field '${k}' is not supported`, `${ploc}/ProcessorConfig`);
        if (cfg.Mode !== undefined && cfg.Mode !== 'INLINE' && cfg.Mode !== 'DISTRIBUTED') {
          c.schema(`The value for the field 'Mode' must be one of [INLINE, DISTRIBUTED]`, `${ploc}/ProcessorConfig/Mode`);
        } else if (cfg.Mode === 'DISTRIBUTED') mode = 'DISTRIBUTED';
        if (cfg.ExecutionType !== undefined) {
          if (cfg.ExecutionType !== 'STANDARD' && cfg.ExecutionType !== 'EXPRESS') {
            c.schema(`The value for the field 'ExecutionType' must be one of [STANDARD, EXPRESS]`, `${ploc}/ProcessorConfig/ExecutionType`);
          } else if (mode !== 'DISTRIBUTED') {
            c.schema(`Field 'ExecutionType' is only supported when 'Mode' is 'DISTRIBUTED'`, `${ploc}/ProcessorConfig`);
          } else executionType = cfg.ExecutionType;
        } else if (mode === 'DISTRIBUTED') {
          c.schema('These fields are required: [ExecutionType]', `${ploc}/ProcessorConfig`);
        }
      }
    }
    const { ProcessorConfig: _pc, QueryLanguage: _ql, ...graphRaw } = rawProc;
    const g = graph(graphRaw, ploc, s.topQl, 'processor');
    if (g) processor = { ...g, ProcessorConfig: executionType ? { Mode: mode, ExecutionType: executionType } : { Mode: mode } };
  }
  const distributed = processor?.ProcessorConfig.Mode === 'DISTRIBUTED';
  if (!distributed) {
    for (const k of DISTRIBUTED_ONLY) if (raw[k] !== undefined) c.schema(`Field '${k}' is only supported for a Map state in 'DISTRIBUTED' mode`, s.loc);
  }

  checkPathField(c, raw.ItemsPath, 'ItemsPath', s.loc, { reference: true });
  if (raw.Items !== undefined && s.ql === 'JSONata') {
    if (!Array.isArray(raw.Items) && !isJsonataExpression(raw.Items)) c.schema(`The value for the field 'Items' must be an ARRAY or a JSONata expression`, `${s.loc}/Items`);
    checkJsonataTemplate(c, raw.Items, `${s.loc}/Items`);
  }
  const selectorField = raw.ItemSelector !== undefined ? 'ItemSelector' : 'Parameters';
  const selector = raw.ItemSelector ?? raw.Parameters;
  if (raw.ItemSelector !== undefined) {
    if (s.ql === 'JSONPath') checkPayloadTemplate(c, raw.ItemSelector, `${s.loc}/ItemSelector`);
    else checkJsonataTemplate(c, raw.ItemSelector, `${s.loc}/ItemSelector`);
  }
  void selectorField;
  numberOrExpr(s, raw, 'MaxConcurrency', 'NON_NEGATIVE_INTEGER');
  numberOrExpr(s, raw, 'ToleratedFailureCount', 'NON_NEGATIVE_INTEGER');
  numberOrExpr(s, raw, 'ToleratedFailurePercentage', 'NUMBER');
  if (typeof raw.ToleratedFailurePercentage === 'number' && (raw.ToleratedFailurePercentage < 0 || raw.ToleratedFailurePercentage > 100)) {
    c.schema(`The value for the field 'ToleratedFailurePercentage' must be between 0 and 100`, `${s.loc}/ToleratedFailurePercentage`);
  }
  for (const f of ['MaxConcurrencyPath', 'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath']) {
    checkPathField(c, raw[f], f, s.loc, { reference: true });
  }
  for (const [f, allowed] of Object.entries(MAP_SUBFIELDS)) {
    const v = raw[f];
    if (v === undefined || !checkType(c, v, 'OBJECT', f, `${s.loc}/${f}`)) continue;
    const obj = v as JsonObject;
    const floc = `${s.loc}/${f}`;
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) c.schema(`Field '${k}' is not supported`, floc);
      else if (s.ql === 'JSONPath' && (k === 'Arguments')) c.schema(`The QueryLanguage is set to 'JSONPath', but field '${k}' is only supported for the 'JSONata' QueryLanguage`, floc);
      else if (s.ql === 'JSONata' && (k === 'Parameters' || k.endsWith('Path'))) c.schema(`The QueryLanguage is set to 'JSONata', but field '${k}' is only supported for the 'JSONPath' QueryLanguage`, floc);
    }
    if ((f === 'ItemReader' || f === 'ResultWriter') && obj.Resource === undefined) c.schema('These fields are required: [Resource]', floc);
    if (obj.Resource !== undefined) checkType(c, obj.Resource, 'STRING', 'Resource', `${floc}/Resource`);
    for (const n of ['MaxItemsPerBatch', 'MaxInputBytesPerBatch']) {
      if (obj[n] !== undefined && !(s.ql === 'JSONata' && isJsonataExpression(obj[n]))) checkType(c, obj[n], 'POSITIVE_INTEGER', n, `${floc}/${n}`);
    }
    for (const n of ['MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath']) checkPathField(c, obj[n], n, floc, { reference: true });
    if (s.ql === 'JSONPath') {
      if (obj.Parameters !== undefined) checkPayloadTemplate(c, obj.Parameters, `${floc}/Parameters`);
      if (obj.BatchInput !== undefined) checkPayloadTemplate(c, obj.BatchInput, `${floc}/BatchInput`);
    } else {
      for (const n of ['Arguments', 'BatchInput', 'ReaderConfig', 'WriterConfig']) if (obj[n] !== undefined) checkJsonataTemplate(c, obj[n], `${floc}/${n}`);
    }
  }
  if (raw.Label !== undefined && checkType(c, raw.Label, 'STRING', 'Label', `${s.loc}/Label`)) {
    const label = raw.Label as string;
    if (label.length > 40 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(label) || /[\u0000-\u001f\u007f-\u009f]/.test(label)) {
      c.error('INVALID_LABEL_NAME', `Label '${label}' is not valid`, `${s.loc}/Label`);
    }
  }
  const { Iterator: _it, Parameters: _p, ...rest } = base as JsonObject;
  return {
    ...rest,
    ...(processor ? { ItemProcessor: processor } : {}),
    legacyIterator: legacy,
    ...(selector !== undefined ? { ItemSelector: selector } : {}),
    Retry: checkRetry(s, raw.Retry),
    Catch: checkCatch(s, raw.Catch),
  } as unknown as MapState;
}
