// The AWS SDK for JavaScript v3 that Lambda's Node.js runtimes (18 and later) include: functions
// may import `@aws-sdk/*` without packaging it. Nimbus offers the SDK clients it is installed
// with (those of the services it serves). A directory holding one symlink, `@aws-sdk`, to the
// installed scope is placed where module resolution from a function's code finds it last: after
// the function's own node_modules, as on AWS. Modules resolve through real paths, so the SDK's own
// dependencies come from Nimbus's install and no other package of Nimbus's becomes importable.
import { existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../paths.js';

/**
 * Makes `<dataDir>/lambda/node_modules` (an ancestor of every code directory, found by Node's
 * lookup without a sandbox; bubblewrap binds it at /var/node_modules). Returns it, or undefined
 * when no SDK is installed next to Nimbus.
 */
export function prepareRuntimeSdk(dataDir: string): string | undefined {
  const scope = installedSdkScope();
  if (!scope) return undefined;
  const dir = join(dataDir, 'lambda', 'node_modules');
  const link = join(dir, '@aws-sdk');
  try {
    if (existsSync(link) || isDanglingLink(link)) {
      if (readlinkSync(link) === scope) return dir;
      rmSync(link, { force: true });
    }
    mkdirSync(dir, { recursive: true });
    symlinkSync(scope, link, 'dir');
    return dir;
  } catch {
    return undefined; // a read-only data dir: functions package their own SDK
  }
}

/** The `@aws-sdk` directory Nimbus's own SDK clients load from. */
function installedSdkScope(): string | undefined {
  try {
    const manifest = createRequire(join(packageRoot, 'package.json')).resolve('@aws-sdk/client-lambda/package.json');
    return dirname(dirname(manifest));
  } catch {
    return undefined;
  }
}

function isDanglingLink(path: string): boolean {
  try {
    readlinkSync(path);
    return true;
  } catch {
    return false;
  }
}
