// Where the package's own files are, whether running from src/ (tests) or dist/ (the binary).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const packageRoot = findRoot();
/** Runtime bootstraps are plain JS/Python files, shipped as source. */
export const runtimesDir = join(packageRoot, 'src', 'runtimes');
