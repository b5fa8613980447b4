// The console in a real browser (Debian's chromium driven by playwright-core): invoke a function
// and see its logs, search logs, watch a Parallel + Map execution turn green on the diagram,
// approve its waiting callback, and see a throttled API call counted. Screenshots of each page
// go to test-artifacts/ (gitignored).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { LambdaClient, CreateAliasCommand, CreateFunctionCommand, PublishVersionCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';
import { createApiFixture, createFixtures, HELLO_CODE, ROLE } from '../integration/console-fixtures.js';
import { zip } from '../helpers/zip.js';
import { consoleDistDir } from '../../src/console/static.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const hasChromium = existsSync(CHROMIUM);

let nimbus: TestNimbus;
let context: BrowserContext;
let page: Page;
let profile: string;
let apiId: string;
let keyValue: string;

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });

describe.skipIf(!hasChromium)('console in chromium (skipped: /usr/bin/chromium is not installed)', () => {
  beforeAll(async () => {
    if (!existsSync(join(consoleDistDir, 'index.html'))) execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'console', 'build.mjs')]);
    mkdirSync(ARTIFACTS, { recursive: true });
    nimbus = await startNimbus();
    const lambda = new LambdaClient(clientConfig(nimbus.endpoint));
    const sfn = new SFNClient(clientConfig(nimbus.endpoint));
    const ag = new APIGatewayClient(clientConfig(nimbus.endpoint));
    await createFixtures(nimbus.endpoint, { lambda, sfn });
    await lambda.send(new PublishVersionCommand({ FunctionName: 'console-hello' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'console-hello', Name: 'live', FunctionVersion: '1' }));
    ({ apiId, keyValue } = await createApiFixture(ag));
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'console-throttled', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip({ 'index.mjs': HELLO_CODE }) },
    }));
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'console-throttled', ReservedConcurrentExecutions: 0 }));
    lambda.destroy();
    sfn.destroy();
    ag.destroy();
    profile = mkdtempSync(join(tmpdir(), 'nimbus-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => {
      throw err;
    });
  });

  afterAll(async () => {
    await context?.close();
    await nimbus?.dispose();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('lists functions, invokes one with a saved event and shows its result and logs', async () => {
    await page.goto(`${nimbus.endpoint}/_nimbus/`);
    await page.getByRole('link', { name: 'console-hello' }).waitFor();
    await shot('functions');
    await page.getByRole('link', { name: 'console-hello' }).click();
    await page.getByRole('heading', { level: 1, name: 'console-hello' }).waitFor();
    await page.getByLabel('Event JSON').fill('{"name": "browser"}');
    await page.getByLabel('Event name').fill('browser-event');
    await page.getByRole('button', { name: 'Save event' }).click();
    await page.getByLabel('Saved events').locator('option', { hasText: 'browser-event' }).waitFor({ state: 'attached' });
    // Keyboard only: focus the Invoke button and press Enter.
    await page.getByRole('button', { name: 'Invoke' }).focus();
    await page.keyboard.press('Enter');
    const logs = page.getByLabel('Log output');
    await expect.poll(() => logs.textContent(), { timeout: 30_000 }).toContain('hello from console test {"name":"browser"}');
    expect(await page.getByLabel('Response payload').textContent()).toContain('"greeting": "hi browser"');
    await shot('function-test');

    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect.poll(() => page.getByLabel('Log events').textContent(), { timeout: 30_000 }).toContain('hello from console test');
    await shot('function-logs');
    await page.getByRole('tab', { name: 'Versions and aliases' }).click();
    await page.getByRole('img', { name: /version 1 100%/ }).waitFor();
    await page.getByRole('tab', { name: 'Code' }).click();
    await expect.poll(() => page.getByLabel('Source of index.mjs').textContent(), { timeout: 30_000 }).toContain('export const handler');
    await page.getByRole('tab', { name: 'Monitoring' }).click();
    await page.getByRole('figure', { name: 'Invocations and errors' }).waitFor();
    await expect.poll(() => page.getByRole('figure', { name: 'Invocations and errors' }).locator('figcaption').textContent(), { timeout: 30_000 }).toContain('Invocations: 1 total');
    await page.getByText('Bill', { exact: true }).waitFor();
    await shot('function-monitoring');
  });

  it('counts a throttled invocation on the Throttles chart', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Functions' }).click();
    await page.getByRole('link', { name: 'console-throttled' }).click();
    await page.getByRole('button', { name: 'Invoke' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toContain('TooManyRequestsException');
    await shot('function-throttled');
    await page.getByRole('tab', { name: 'Monitoring' }).click();
    await expect.poll(() => page.getByRole('figure', { name: 'Throttles' }).locator('figcaption').textContent(), { timeout: 30_000 }).toContain('Throttles: 1 total');
    await shot('function-throttles-chart');
  });

  it('searches logs across groups', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Logs' }).click();
    await page.getByLabel('Filter pattern').fill('"hello from console test"');
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.getByRole('region', { name: 'Search results' });
    await expect.poll(() => results.textContent(), { timeout: 30_000 }).toContain('/aws/lambda/console-hello');
    await shot('logs');
  });

  it('starts a Parallel + Map execution, watches it on the diagram and approves the callback', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'State machines' }).click();
    await page.getByRole('link', { name: 'console-demo' }).click();
    await page.locator('.diagram g.state[data-state="Double"]').waitFor();
    await shot('state-machine');
    await page.getByLabel('Input JSON').fill('{"items": [1, 2, 3], "name": "flow"}');
    await page.getByRole('button', { name: 'Start execution' }).click();
    const node = (state: string) => page.locator(`.diagram g.state[data-state="${state}"]`);
    // The branches and the Map iterations finish, the callback task waits.
    await expect.poll(() => node('Approve').getAttribute('data-status'), { timeout: 30_000 }).toBe('running');
    expect(await node('Greet').getAttribute('data-status')).toBe('retried');
    for (const state of ['Classify', 'FanOut', 'EachItem', 'Double']) {
      expect(await node(state).getAttribute('data-status')).toBe('succeeded');
    }
    expect(await node('Reject').getAttribute('data-status')).toBe('notrun');
    await page.getByRole('heading', { name: 'Approve is waiting for a callback' }).waitFor();
    await node('Double').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'State: Double' }).waitFor();
    expect(await page.getByLabel('Output of Double').textContent()).toContain('"v": 3');
    await shot('execution-waiting');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => node('Done').getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
    expect(await node('Approve').getAttribute('data-status')).toBe('succeeded');
    await page.locator('.exec-head .badge', { hasText: 'SUCCEEDED' }).waitFor();
    await shot('execution-succeeded');
  });

  it('rejects a callback and shows it caught', async () => {
    await page.getByRole('link', { name: 'console-demo' }).click();
    await page.getByLabel('Input JSON').fill('{"items": []}');
    await page.getByRole('button', { name: 'Start execution' }).click();
    await page.getByRole('button', { name: 'Reject', exact: true }).click();
    const node = (state: string) => page.locator(`.diagram g.state[data-state="${state}"]`);
    await expect.poll(() => node('Rejected').getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
    expect(await node('Approve').getAttribute('data-status')).toBe('caught');
    await shot('execution-caught');
  });

  it('shows an API, tests it and counts a throttled call', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'APIs' }).click();
    await page.getByRole('link', { name: 'console-api' }).click();
    await page.getByRole('form', { name: 'Request tester' }).waitFor();
    await page.getByLabel('Path and query').fill('/hello');
    await page.getByRole('button', { name: 'Send request' }).click();
    await expect.poll(() => page.locator('[data-count="ok"]').textContent(), { timeout: 30_000 }).toBe('1 OK');
    await page.getByRole('button', { name: 'Send request' }).click();
    await expect.poll(() => page.locator('[data-count="throttled"]').textContent(), { timeout: 30_000 }).toBe('1 throttled (429)');
    await shot('api');
    // A keyed call is metered against the usage plan and shows on the APIs page.
    await page.getByLabel('Path and query').fill('/keyed');
    await page.getByLabel('API key (x-api-key)').fill(keyValue);
    await page.getByRole('button', { name: 'Send request' }).click();
    await expect.poll(() => page.locator('[data-count="ok"]').textContent(), { timeout: 30_000 }).toBe('2 OK');
    await page.getByRole('navigation').getByRole('link', { name: 'APIs' }).click();
    await page.getByText('console-plan').waitFor();
    await expect.poll(() => page.locator('[data-usage-key]').textContent(), { timeout: 30_000 }).toBe('1');
    await shot('apis');
    void apiId;
  });
});
