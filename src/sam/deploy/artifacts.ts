// Deployment packages: a code folder (or .zip) becomes a zip stored content-addressed under
// `.nimbus-sam/artifacts/<sha256>.zip`, so the same code is zipped once and a rollback can upload
// the previous package again. Zips are deterministic (sorted entries, fixed timestamps).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { TOOL_DIRS } from '../tool-dirs.js';

const FIXED_TIME = new Date('1980-01-01T00:00:00Z');

export function zipFolder(dir: string): Buffer {
  const entries: Record<string, [Uint8Array, { os: number; attrs: number; mtime: Date }]> = {};
  const walk = (p: string) => {
    for (const name of readdirSync(p).sort()) {
      if (TOOL_DIRS.has(name)) continue;
      const full = join(p, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) {
        const mode = st.mode & 0o111 ? 0o755 : 0o644;
        entries[relative(dir, full).split('\\').join('/')] = [readFileSync(full), { os: 3, attrs: ((0o100000 | mode) << 16) >>> 0, mtime: FIXED_TIME }];
      }
    }
  };
  walk(dir);
  return Buffer.from(zipSync(entries, { level: 6 }));
}

/** Zip of inline code (CloudFormation ZipFile): index.js / index.py by runtime. */
export function zipInline(code: string, runtime: string | undefined): Buffer {
  const name = runtime?.startsWith('python') ? 'index.py' : runtime?.startsWith('nodejs') ? 'index.js' : 'index';
  return Buffer.from(zipSync({ [name]: [Buffer.from(code), { os: 3, attrs: ((0o100644) << 16) >>> 0, mtime: FIXED_TIME }] }));
}

export interface Artifact {
  sha256: string;
  path: string;
}

/** Zips (or copies) a code location into the artifact store; returns its content address. */
export function storeArtifact(artifactsDir: string, source: string): Artifact {
  const bytes = statSync(source).isDirectory() ? zipFolder(source) : extname(source) === '.zip' ? readFileSync(source) : zipFolder(source);
  return storeBytes(artifactsDir, bytes);
}

export function storeBytes(artifactsDir: string, bytes: Buffer): Artifact {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const path = join(artifactsDir, `${sha256}.zip`);
  if (!existsSync(path)) {
    mkdirSync(artifactsDir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  }
  return { sha256, path };
}
