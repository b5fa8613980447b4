// `nimbus init`: a starter SAM app — a function behind an API, a state machine that calls it, an
// event file and unit tests — in TypeScript (bundled by `nimbus build` with esbuild) or Python.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { guarded, type Io } from './cli-io.js';

export interface InitOptions {
  name: string;
  runtime: string;
  outputDir: string;
}

const RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'python3.12', 'python3.11', 'python3.13'];

const stateMachine = (fnRef: string) => `${JSON.stringify({
  Comment: 'Calls the hello function and keeps its greeting',
  StartAt: 'SayHello',
  States: {
    SayHello: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: '${HelloFunctionArn}', 'Payload.$': '$' },
      ResultSelector: { 'greeting.$': '$.Payload.body' },
      Retry: [{ ErrorEquals: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'], MaxAttempts: 2 }],
      End: true,
    },
  },
}, null, 2)}\n`.replace('${HelloFunctionArn}', fnRef);

function template(name: string, runtime: string): string {
  const node = runtime.startsWith('nodejs');
  return `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: ${name} - a Nimbus SAM starter (function + API + state machine)

Parameters:
  Greeting:
    Type: String
    Default: Hello
    Description: Word the function greets with

Globals:
  Function:
    Timeout: 10
    MemorySize: 256

Resources:
  HelloWorldFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ${node ? 'hello-world/' : 'hello_world/'}
      Handler: ${node ? 'app.lambdaHandler' : 'app.lambda_handler'}
      Runtime: ${runtime}
      AutoPublishAlias: live
      DeploymentPreference:
        Type: AllAtOnce
      Environment:
        Variables:
          GREETING: !Ref Greeting
      Events:
        HelloWorld:
          Type: Api
          Properties:
            Path: /hello
            Method: get
${node ? `    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        Target: es2022
        Sourcemap: false
        EntryPoints:
          - app.ts
` : ''}
  HelloStateMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: STANDARD
      DefinitionUri: statemachine/hello.asl.json
      DefinitionSubstitutions:
        HelloFunctionArn: !Ref HelloWorldFunctionAliaslive

Outputs:
  HelloWorldApi:
    Description: API Gateway endpoint URL for the Prod stage (on AWS; nimbus deploy also prints the local one)
    Value: !Sub "https://\${ServerlessRestApi}.execute-api.\${AWS::Region}.amazonaws.com/Prod/hello/"
  HelloWorldApiId:
    Description: REST API id
    Value: !Ref ServerlessRestApi
  HelloWorldFunction:
    Description: Hello World Lambda function ARN
    Value: !GetAtt HelloWorldFunction.Arn
  HelloStateMachine:
    Description: State machine ARN
    Value: !Ref HelloStateMachine
`;
}

const NODE_FILES: Record<string, string> = {
  'hello-world/app.ts': `// The hello function: answers API Gateway (REST, proxy integration) and direct invocations.
export interface ApiEvent {
  httpMethod?: string;
  path?: string;
  queryStringParameters?: Record<string, string> | null;
}

export interface ApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function greet(name: string, greeting = process.env.GREETING ?? 'Hello'): string {
  return \`\${greeting}, \${name}!\`;
}

export const lambdaHandler = async (event: ApiEvent): Promise<ApiResult> => {
  const name = event.queryStringParameters?.name ?? 'world';
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: greet(name) }),
  };
};
`,
  'hello-world/package.json': `${JSON.stringify({
    name: 'hello-world',
    version: '1.0.0',
    private: true,
    description: 'Hello function of the Nimbus SAM starter',
    scripts: { test: 'esbuild tests/unit/app.test.ts --bundle --platform=node --outfile=.test/app.test.js && node --test .test/' },
    devDependencies: { esbuild: '^0.28.0', typescript: '^5.0.0' },
  }, null, 2)}\n`,
  'hello-world/tsconfig.json': `${JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'ES2022', moduleResolution: 'Bundler', strict: true, noEmit: true, types: [] },
    include: ['*.ts', 'tests/**/*.ts'],
  }, null, 2)}\n`,
  'hello-world/tests/unit/app.test.ts': `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greet, lambdaHandler } from '../../app';

test('greets by name', () => {
  assert.equal(greet('Ada', 'Hi'), 'Hi, Ada!');
});

test('answers an API Gateway proxy event', async () => {
  const res = await lambdaHandler({ httpMethod: 'GET', path: '/hello', queryStringParameters: { name: 'Bob' } });
  assert.equal(res.statusCode, 200);
  assert.match(JSON.parse(res.body).message, /, Bob!$/);
});
`,
};

const PY_FILES: Record<string, string> = {
  'hello_world/__init__.py': '',
  'hello_world/app.py': `"""The hello function: answers API Gateway (REST, proxy integration) and direct invocations."""
import json
import os


def greet(name, greeting=None):
    return f"{greeting or os.environ.get('GREETING', 'Hello')}, {name}!"


def lambda_handler(event, context):
    params = (event or {}).get("queryStringParameters") or {}
    name = params.get("name", "world")
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": greet(name)}),
    }
`,
  'hello_world/requirements.txt': '',
  'tests/__init__.py': '',
  'tests/unit/__init__.py': '',
  'tests/unit/test_handler.py': `import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from hello_world import app  # noqa: E402


class HelloTest(unittest.TestCase):
    def test_greet(self):
        self.assertEqual(app.greet("Ada", "Hi"), "Hi, Ada!")

    def test_api_event(self):
        res = app.lambda_handler({"httpMethod": "GET", "queryStringParameters": {"name": "Bob"}}, None)
        self.assertEqual(res["statusCode"], 200)
        self.assertTrue(json.loads(res["body"])["message"].endswith(", Bob!"))


if __name__ == "__main__":
    unittest.main()
`,
};

function readme(name: string, node: boolean): string {
  return `# ${name}

A Nimbus SAM starter: \`HelloWorldFunction\` (${node ? 'TypeScript, bundled with esbuild' : 'Python'}) behind
\`GET /hello\`, and \`HelloStateMachine\`, which calls the function.

\`\`\`sh
${node ? '(cd hello-world && npm install && npm test)   # unit tests' : 'python3 -m unittest discover -s tests -t .   # unit tests'}
nimbus build                                   # → .nimbus-sam/build
nimbus local invoke HelloWorldFunction -e events/event.json
nimbus start &                                 # Nimbus on :4566
nimbus deploy --stack-name ${name}
curl "http://localhost:4566/_aws/execute-api/<HelloWorldApiId>/Prod/hello?name=you"
nimbus logs -n HelloWorldFunction --stack-name ${name} --tail
nimbus delete --stack-name ${name}
\`\`\`
`;
}

const EVENT = `${JSON.stringify({
  resource: '/hello', path: '/hello', httpMethod: 'GET', headers: { Accept: '*/*' }, multiValueHeaders: { Accept: ['*/*'] },
  queryStringParameters: { name: 'Nimbus' }, multiValueQueryStringParameters: { name: ['Nimbus'] }, pathParameters: null,
  stageVariables: null, requestContext: { resourcePath: '/hello', httpMethod: 'GET', path: '/Prod/hello', stage: 'Prod', requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', identity: { sourceIp: '127.0.0.1' } },
  body: null, isBase64Encoded: false,
}, null, 2)}\n`;

export async function initCommand(opts: InitOptions, io: Io): Promise<number> {
  return guarded(io, async () => {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(opts.name)) throw new Error(`--name must start with a letter and contain only letters, digits and - (got "${opts.name}")`);
    if (!RUNTIMES.includes(opts.runtime)) throw new Error(`--runtime must be one of ${RUNTIMES.join(', ')}`);
    const root = resolve(opts.outputDir, opts.name);
    if (existsSync(root)) throw new Error(`${root} already exists`);
    const node = opts.runtime.startsWith('nodejs');
    const files: Record<string, string> = {
      'template.yaml': template(opts.name, opts.runtime),
      'statemachine/hello.asl.json': stateMachine('${HelloFunctionArn}'),
      'events/event.json': EVENT,
      'README.md': readme(opts.name, node),
      '.gitignore': '.nimbus-sam/\nnode_modules/\n.test/\n__pycache__/\n',
      ...(node ? NODE_FILES : PY_FILES),
    };
    for (const [rel, content] of Object.entries(files)) {
      const file = join(root, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    io.out(`Created ${opts.name} (${opts.runtime}) in ${root}`);
    io.out('Next: cd ' + opts.name + ' && nimbus build && nimbus local invoke HelloWorldFunction -e events/event.json');
  });
}
