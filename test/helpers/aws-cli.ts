// Runs the real AWS CLI against a test Nimbus. Tests that need it skip with a reason when absent.
import { execFile, execFileSync } from 'node:child_process';

/** AWS CLI v2 (Debian's `awscli` package) is preferred: `aws logs tail` exists only there. */
const candidates = ['/usr/bin/aws', 'aws'];

export const awsCli = candidates.find((bin) => {
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

export const awsCliAvailable = awsCli !== undefined;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function aws(endpoint: string, args: string[], cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      awsCli ?? 'aws',
      ['--endpoint-url', endpoint, '--region', 'us-east-1', '--output', 'json', ...args],
      {
        cwd,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_PAGER: '',
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
