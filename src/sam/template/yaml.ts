// Reads a CloudFormation/SAM template from YAML or JSON text. YAML short-form intrinsics
// (`!Ref`, `!GetAtt`, `!Sub`…) become their long forms (`{Ref}`, `{"Fn::GetAtt"}`…), so everything
// downstream sees one shape. Parse errors carry line and column.
import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, type Node, type Document } from 'yaml';
import { TemplateError } from './errors.js';

/** Short tag → long form key. `!Ref`/`!Condition` are not `Fn::`-prefixed. */
const TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Base64': 'Fn::Base64',
  '!GetAZs': 'Fn::GetAZs',
  '!ImportValue': 'Fn::ImportValue',
  '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Parses template text. JSON is tried first when the text looks like JSON (JSON is YAML, but
 * JSON.parse gives better messages for JSON files). */
export function parseTemplateText(text: string, file = 'template'): Record<string, Json> {
  const trimmed = text.trimStart();
  let value: Json;
  if (trimmed.startsWith('{')) {
    try {
      value = JSON.parse(text) as Json;
    } catch (err) {
      throw new TemplateError('', `${file} is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    value = parseYaml(text, file);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TemplateError('', `${file} must be a mapping at the top level`);
  }
  return value;
}

function parseYaml(text: string, file: string): Json {
  const lines = new LineCounter();
  // Core schema: `2010-09-09` stays a string, as CloudFormation reads it.
  const doc: Document = parseDocument(text, { lineCounter: lines, schema: 'core', uniqueKeys: true, prettyErrors: false });
  const where = (offset: number | undefined) => {
    if (offset === undefined) return '';
    const { line, col } = lines.linePos(offset);
    return ` (line ${line}, column ${col})`;
  };
  const first = doc.errors[0];
  if (first) throw new TemplateError('', `${file} is not valid YAML${where(first.pos[0])}: ${first.message.split('\n')[0]}`);
  const convert = (node: unknown, path: string): Json => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return convert(node.resolve(doc), path);
    const n = node as Node;
    let out: Json;
    if (isMap(n)) {
      const obj: Record<string, Json> = {};
      for (const pair of n.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        obj[k] = convert(pair.value, path ? `${path}.${k}` : k);
      }
      out = obj;
    } else if (isSeq(n)) {
      out = n.items.map((item, i) => convert(item, `${path}[${i}]`));
    } else if (isScalar(n)) {
      const v = n.value;
      out = v === undefined ? null : (v as Json);
      if (v instanceof Date) out = n.source ?? v.toISOString();
    } else {
      out = null;
    }
    const tag = n.tag;
    if (tag && tag.startsWith('!') && !tag.startsWith('!!')) {
      const long = TAGS[tag];
      if (!long) throw new TemplateError(path, `unknown tag ${tag}${where(n.range?.[0])}`);
      if (long === 'Fn::GetAtt' && typeof out === 'string') {
        // `!GetAtt Res.Attr` splits at the first dot (attributes such as `Outputs.X` keep theirs).
        const dot = out.indexOf('.');
        if (dot < 1) throw new TemplateError(path, `!GetAtt needs "Resource.Attribute", got "${out}"${where(n.range?.[0])}`);
        out = [out.slice(0, dot), out.slice(dot + 1)];
      }
      return { [long]: out };
    }
    return out;
  };
  return convert(doc.contents, '');
}
