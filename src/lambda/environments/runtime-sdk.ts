// The AWS SDK for JavaScript v3 that Lambda's Node.js runtimes (18 and later) include: functions
// may import `@aws-sdk/*` without packaging it. Nimbus offers the SDK clients it is installed
// with (those of the services it serves), found by module lookup from a function's code after
// the function's own node_modules, as on AWS. Only the `@aws-sdk` scope is made visible by name;
// modules resolve through real paths, so the SDK's own dependencies load from Nimbus's install and
// no other package of Nimbus's becomes importable.
//  - bubblewrap: Nimbus's node_modules is bound at /var/sdk/node_modules and /var/node_modules
//    holds one symlink, `@aws-sdk`, into it (see BwrapSandbox);
//  - plain processes: `<dataDir>/lambda/node_modules`, an ancestor of every code directory, holds
//    that symlink to the host path.
import { existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../paths.js';

/** Where the sandbox shows the node_modules holding the SDK. */
export const SANDBOX_SDK_MODULES = '/var/sdk/node_modules';

/** The node_modules directory Nimbus's own SDK clients load from, if there is one. */
export function installedSdkModules(): string | undefined {
  try {
    const manifest = createRequire(join(packageRoot, 'package.json')).resolve('@aws-sdk/client-lambda/package.json');
    return dirname(dirname(dirname(manifest)));
  } catch {
    return undefined;
  }
}

/** For functions run as plain processes: links `<dataDir>/lambda/node_modules/@aws-sdk` to the SDK. */
export function linkSdkForProcesses(dataDir: string, modules: string): void {
  const scope = join(modules, '@aws-sdk');
  const link = join(dataDir, 'lambda', 'node_modules', '@aws-sdk');
  try {
    if (linkTarget(link) === scope) return;
    rmSync(link, { force: true });
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(scope, link, 'dir');
  } catch {
    /* a read-only data dir: functions package their own SDK */
  }
}

function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return existsSync(path) ? path : undefined;
  }
}
