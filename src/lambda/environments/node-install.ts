// Fetches the Node.js binary of one major version from the npm registry, into the data dir, when a
// function asks for a nodejs*.x runtime the machine does not have (a nodejs22.x app on a machine with
// Node 20). The binaries come from the `node-<platform>-<arch>` packages, which are what the npm
// package `node` installs; npm itself does the download, so its proxy and registry settings apply.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Past this, a download is considered stuck (a binary package is ~30 MB). */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/** The npm package holding Node's binary for this machine. */
export const NODE_BINARY_PACKAGE = `node-${process.platform}-${process.arch}`;

/** The command that installs `node-<platform>-<arch>@<major>` into `dir`, for messages. */
export function installCommand(major: number, dir: string): string {
  return `npm install --prefix ${dir} ${NODE_BINARY_PACKAGE}@${major}`;
}

/** npm as shipped next to the running node (official tarballs, nvm, Debian's nodejs + npm), else PATH's. */
function npmCommand(): [string, string[]] {
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  return existsSync(bundled) ? [process.execPath, [bundled]] : ['npm', []];
}

/** Installs the binary package into `dir`; rejects with npm's last words when it cannot. */
export function installNodeBinary(major: number, dir: string): Promise<void> {
  const [command, prefix] = npmCommand();
  const args = [...prefix, 'install', '--prefix', dir, `${NODE_BINARY_PACKAGE}@${major}`, '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];
  return new Promise((resolve, reject) => {
    // The user's npm settings (registry, proxy) apply; the command line's --prefix wins over any other.
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run npm: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        const why = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' ') || (signal ? `npm was stopped (${signal})` : `npm exited with ${code}`);
        reject(new Error(why));
      }
    });
  });
}
