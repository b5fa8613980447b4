// Forks the real `nimbus start` binary (built into dist/ by `npm test`) and waits for its ready line.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

export const nimbusBin = join(packageRoot, 'bin', 'nimbus.js');
export const binaryBuilt = existsSync(join(packageRoot, 'dist', 'cli', 'main.js'));

export interface NimbusProcess {
  readonly child: ChildProcess;
  readonly endpoint: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process ends. */
  readonly exited: Promise<number | string>;
}

export function spawnNimbus(dataDir: string, extraArgs: string[] = []): Promise<NimbusProcess> {
  const child = spawn(process.execPath, [nimbusBin, 'start', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nimbus did not become ready:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const ready = /ready.*?(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, endpoint: ready[1]!, output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`nimbus exited (${code}) before it was ready:\n${out}`));
    });
  });
}
