// Mapping-template rendering against outputs taken from the AWS API Gateway docs (mapping template
// reference, variable examples) and AWS-recorded behaviour of its Java Velocity engine.
import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError, makeInput, util, type TemplateParams } from './index.js';

const params: TemplateParams = {
  path: { petId: '42' },
  querystring: { type: 'dog', page: '2' },
  header: { 'Content-Type': 'application/json', Accept: '*/*' },
};

function render(template: string, body = '', extra: Record<string, unknown> = {}): string {
  return renderTemplate(template, {
    input: makeInput(body, params),
    util,
    context: { stage: 'prod', httpMethod: 'POST', requestId: 'r-1', identity: { sourceIp: '192.0.2.1' } },
    stageVariables: { env: 'test' },
    ...extra,
  });
}

describe('$input', () => {
  it('$input.json and $input.path select with JSONPath (docs: things example)', () => {
    const body = '{"things":{"1":{},"2":{},"3":{}}}';
    const template =
      '{#foreach($elem in $input.path(\'$.things\').keySet())"$elem":$input.json("$.things[\'$elem\']")#if($foreach.hasNext),#end#end}';
    expect(render(template, body)).toBe('{"1":{},"2":{},"3":{}}');
  });

  it('$input.json(\'$\') returns the body as JSON and an empty body as {}', () => {
    expect(render('{"body": $input.json(\'$\')}', '{"a": [1, 2], "b": "x"}')).toBe('{"body": {"a":[1,2],"b":"x"}}');
    expect(render("$input.json('$')", '')).toBe('{}');
    expect(render('$input.body', '')).toBe('{}');
  });

  it('$input.path of a map prints as Java {k=v}; lists print as JSON', () => {
    const body = '{"m":{"a":1,"b":"x","c":null},"l":["p",{"q":1}],"n":{"list":[{"foo":"bar"}]}}';
    expect(render("$input.path('$.m')", body)).toBe('{a=1, b=x, c=null}');
    expect(render("$input.path('$.l')", body)).toBe('["p",{"q":1}]');
    expect(render("$input.path('$.n')", body)).toBe('{list=[{"foo":"bar"}]}');
  });

  it('a missing path renders empty; lists from VTL literals print as Java lists', () => {
    expect(render("[$input.json('$.missing')][$input.path('$.missing')]", '{"a":1}')).toBe('[][]');
    expect(render('#set($l = ["a", "b"])$l', '')).toBe('[a, b]');
  });

  it('indefinite paths return the list of matches', () => {
    const body = '{"items":[{"id":1},{"id":2},{"id":3}]}';
    expect(render("$input.json('$.items[*].id')", body)).toBe('[1,2,3]');
    expect(render("$input.path('$.items').size()", body)).toBe('3');
    expect(render("#foreach($i in $input.path('$.items'))$i.id#if($foreach.hasNext),#end#end", body)).toBe('1,2,3');
  });

  it('$input.params() returns all maps and $input.params(name) searches path, query, header', () => {
    expect(render("$input.params('petId') $input.params('type') $input.params('accept') [$input.params('none')]")).toBe(
      '42 dog */* []',
    );
    expect(render('$input.params().path')).toBe('{petId=42}');
    // docs: pass all request parameters through a JSON payload
    const template = `#set($allParams = $input.params())
{"params":{#foreach($type in $allParams.keySet())#set($params = $allParams.get($type))"$type":{#foreach($paramName in $params.keySet())"$paramName":"$util.escapeJavaScript($params.get($paramName))"#if($foreach.hasNext),#end#end}#if($foreach.hasNext),#end#end}}`;
    const out = JSON.parse(render(template)) as { params: Record<string, Record<string, string>> };
    expect(out.params).toEqual({
      path: { petId: '42' },
      querystring: { type: 'dog', page: '2' },
      header: { 'Content-Type': 'application/json', Accept: '*/*' },
    });
  });
});

describe('$context and $stageVariables', () => {
  it('renders context variables (docs example 1)', () => {
    expect(render('{"stage":"$context.stage","method":"$context.httpMethod","ip":"$context.identity.sourceIp"}')).toBe(
      '{"stage":"prod","method":"POST","ip":"192.0.2.1"}',
    );
    expect(render('$stageVariables.env ${stageVariables.env}')).toBe('test test');
  });

  it('undefined references render empty', () => {
    expect(render('[$context.authorizer.claims.sub][$nothing][$!nothing]')).toBe('[][][]');
  });

  it('#set into $context.responseOverride lands on the context object', () => {
    const context = { responseOverride: { status: undefined as unknown, header: {} as Record<string, unknown> } };
    renderTemplate('#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-Y = "z")', {
      context,
    });
    expect(context.responseOverride.status).toBe(418);
  });
});

describe('$util', () => {
  it('escapeJavaScript escapes quotes (single ones too), backslashes, controls and non-ASCII', () => {
    expect(util.escapeJavaScript('say "hi"\n\'there\'\\ / é')).toBe('say \\"hi\\"\\n\\\'there\\\'\\\\ \\/ \\u00E9');
    expect(render('"$util.escapeJavaScript($input.json(\'$\'))"', '{"a":"b"}')).toBe('"{\\"a\\":\\"b\\"}"');
  });

  it('parseJson, urlEncode/urlDecode (Java URLEncoder), base64', () => {
    expect(render('#set($o = $util.parseJson($input.path(\'$.s\')))$o.a $o.l', '{"s":"{\\"a\\":1,\\"l\\":[1,2]}"}')).toBe(
      '1 [1,2]',
    );
    expect(render("$util.urlEncode('a b&c=d/é*~')")).toBe('a+b%26c%3Dd%2F%C3%A9*%7E');
    expect(render("$util.urlDecode('a+b%26c')")).toBe('a b&c');
    expect(render("$util.base64Encode('hello') $util.base64Decode('aGVsbG8=')")).toBe('aGVsbG8= hello');
  });
});

describe('Velocity semantics as AWS runs them', () => {
  it('null == "" is true; numbers compare numerically; strings by value', () => {
    expect(render('#if($nothing == "")empty#end')).toBe('empty');
    expect(render("#if($input.path('$.n') == 2)two#end", '{"n":2}')).toBe('two');
    expect(render('#if($context.stage != "dev")not-dev#end')).toBe('not-dev');
  });

  it('#if treats null, false and "" as false', () => {
    expect(render("#if($input.params('none'))yes#{else}no#end")).toBe('no');
    expect(render("#if($input.params('type'))yes#{else}no#end")).toBe('yes');
    expect(render('#if(!$nothing)none#end')).toBe('none');
  });

  it('#foreach exposes $foreach.hasNext, index and count', () => {
    expect(render('#foreach($i in [1..3])$foreach.index:$foreach.count#if($foreach.hasNext),#end#end')).toBe('0:1,1:2,2:3');
  });

  it('integer division truncates; string and list methods work like Java', () => {
    expect(render('#set($d = 7 / 2)$d')).toBe('3');
    expect(render('#set($s = "Hello")$s.length() $s.toUpperCase() $s.substring(1, 3) $s.replaceAll("l+", "L")')).toBe(
      '5 HELLO el HeLo',
    );
    expect(render('#set($p = "a,b,,")$p.split(",").size()')).toBe('2');
  });

  it('a #foreach over more than 1,000 items fails as AWS does', () => {
    const big = JSON.stringify({ l: Array.from({ length: 1001 }, (_, i) => i) });
    expect(() => render("#foreach($i in $input.path('$.l'))$i#end", big)).toThrow(TemplateError);
  });

  it('templates cannot reach constructors or prototypes (no code execution from a template)', () => {
    for (const t of [
      '#set($f = $input.json.constructor("return process.pid"))$f.call()',
      '#set($f = $input.body.constructor.constructor("return process.pid"))$f.call()',
      '#set($f = $util.escapeJavaScript.constructor("return process.pid"))$f()',
      '#set($m = {})$m.put("__proto__", 1)$m.__proto__',
    ]) {
      expect(render(t, '{"a":1}')).not.toContain(String(process.pid));
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a malformed template is a TemplateError, not a crash', () => {
    expect(() => render('#if($a')).toThrow(TemplateError);
  });
});
