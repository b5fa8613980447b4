import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { overridesFrom, parseToml, samConfigFor } from './samconfig.js';
import { parseParameterOverrides } from './template/parameters.js';

const dir = mkdtempSync(join(tmpdir(), 'samconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('samconfig.toml', () => {
  it('reads what sam deploy --guided writes', () => {
    writeFileSync(join(dir, 'samconfig.toml'), `# More information about the configuration file can be found here:
version = 0.1
[default]
[default.global.parameters]
stack_name = "sam-app"

[default.deploy.parameters]
capabilities = "CAPABILITY_IAM"
confirm_changeset = true # ask first
parameter_overrides = "Greeting=\\"Hi there\\" Stage=\\"Prod\\""
image_repositories = []

[prod.deploy.parameters]
stack_name = "sam-app-prod"
parameter_overrides = ["Stage=Prod", "Greeting=Yo"]
`);
    const c = samConfigFor(dir, 'deploy');
    expect(c.stack_name).toBe('sam-app');
    expect(c.confirm_changeset).toBe(true);
    expect([...parseParameterOverrides(overridesFrom(c)!)]).toEqual([['Greeting', 'Hi there'], ['Stage', 'Prod']]);
    const prod = samConfigFor(dir, 'deploy', 'prod');
    expect(prod.stack_name).toBe('sam-app-prod');
    expect(overridesFrom(prod)).toEqual(['Stage=Prod', 'Greeting=Yo']);
    expect(samConfigFor(join(dir, 'nothing'), 'deploy')).toEqual({});
    expect(() => parseToml('key "no equals"')).toThrow(/expected key = value/);
    expect(() => parseToml('k = "open')).toThrow(/unterminated string/);
  });
});
