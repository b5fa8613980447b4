// Deployment packages, content-addressed by SHA-256: `code/{hex}.zip` and its extraction
// `code/{hex}/`, shared by every version with the same code. Extraction keeps Unix modes (a custom
// runtime's `bootstrap` must stay executable) and refuses entries that would escape the folder.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import yauzl from 'yauzl';
import { InvalidParameterValue } from '../errors.js';

export const MAX_UNZIPPED_BYTES = 262_144_000;
export const MAX_ZIPPED_BYTES = 52_428_800;

export interface StoredCode {
  readonly sha256Hex: string;
  /** Base64 SHA-256, as Lambda reports `CodeSha256`. */
  readonly sha256Base64: string;
  readonly size: number;
}

export class CodeStore {
  private readonly root: string;
  private readonly extracting = new Map<string, Promise<string>>();
  /** Folders known to exist: the invoke path asks for one on every invocation. */
  private readonly extracted = new Set<string>();
  private readonly unzipped = new Map<string, Promise<number>>();

  constructor(dataDir: string) {
    this.root = join(dataDir, 'lambda', 'code');
    mkdirSync(this.root, { recursive: true });
  }

  /** Stores and extracts a package; rejects bad or oversized zips before anything is kept. */
  async put(zip: Buffer): Promise<StoredCode> {
    const digest = createHash('sha256').update(zip).digest();
    const hex = digest.toString('hex');
    const zipPath = this.zipPath(hex);
    if (!existsSync(zipPath)) {
      await this.extract(hex, zip);
      const tmp = `${zipPath}.${randomUUID()}.tmp`;
      writeFileSync(tmp, zip);
      renameSync(tmp, zipPath);
    }
    return { sha256Hex: hex, sha256Base64: digest.toString('base64'), size: zip.length };
  }

  zipPath(hex: string): string {
    return join(this.root, `${hex}.zip`);
  }

  /**
   * A stored package's unzipped size: the sum of its entries' sizes as its zip declares them
   * (extraction refuses a zip whose entries outgrow what they declare). For the function + layers
   * limit, read from the zip's central directory once per package.
   */
  unzippedSize(hex: string): Promise<number> {
    let size = this.unzipped.get(hex);
    if (!size) {
      size = declaredSize(this.zipPath(hex));
      this.unzipped.set(hex, size);
      size.catch(() => this.unzipped.delete(hex));
    }
    return size;
  }

  /** The extracted folder of a stored package (re-extracted if it went missing). */
  async directory(hex: string): Promise<string> {
    const dir = join(this.root, hex);
    if (this.extracted.has(dir)) return dir;
    if (existsSync(dir)) {
      this.extracted.add(dir);
      return dir;
    }
    let pending = this.extracting.get(hex);
    if (!pending) {
      const { readFile } = await import('node:fs/promises');
      pending = readFile(this.zipPath(hex)).then((zip) => this.extract(hex, zip));
      this.extracting.set(hex, pending);
      pending.finally(() => this.extracting.delete(hex)).catch(() => {});
    }
    return pending;
  }

  private async extract(hex: string, zip: Buffer): Promise<string> {
    const dir = join(this.root, hex);
    if (existsSync(dir)) return dir;
    const tmp = join(this.root, `.${hex}.${randomUUID()}`);
    mkdirSync(tmp, { recursive: true });
    try {
      await extractZip(zip, tmp);
      if (!existsSync(dir)) renameSync(tmp, dir);
      else rmSync(tmp, { recursive: true, force: true });
      return dir;
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }
}

const unzipFailure = () =>
  InvalidParameterValue('Could not unzip uploaded file. Please check your file, then try to upload again.');
const tooLarge = () =>
  InvalidParameterValue(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);

function openZip(zip: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolvePromise, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true }, (err, file) =>
      err || !file ? reject(unzipFailure()) : resolvePromise(file),
    );
  });
}

function declaredSize(zipPath: string): Promise<number> {
  return new Promise((done, fail) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (err, file) => {
      if (err || !file) return fail(unzipFailure());
      let total = 0;
      file.on('entry', (entry: yauzl.Entry) => {
        total += entry.uncompressedSize;
        file.readEntry();
      });
      file.on('end', () => done(total));
      file.on('error', () => fail(unzipFailure()));
      file.readEntry();
    });
  });
}

async function extractZip(zip: Buffer, into: string): Promise<void> {
  const file = await openZip(zip);
  const entries: yauzl.Entry[] = [];
  let declared = 0;
  await new Promise<void>((done, fail) => {
    file.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      declared += entry.uncompressedSize;
      file.readEntry();
    });
    file.on('end', () => done());
    file.on('error', () => fail(unzipFailure()));
    file.readEntry();
  });
  if (declared > MAX_UNZIPPED_BYTES) throw tooLarge();

  let written = 0;
  for (const entry of entries) {
    const target = resolve(into, entry.fileName);
    const rel = relative(into, target);
    if (isAbsolute(entry.fileName) || rel.startsWith('..') || rel === '') {
      if (rel === '' && entry.fileName.endsWith('/')) continue;
      throw unzipFailure();
    }
    const mode = (entry.externalFileAttributes >>> 16) & 0o170777;
    const type = mode & 0o170000;
    if (entry.fileName.endsWith('/') || type === 0o040000) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    const stream = await new Promise<NodeJS.ReadableStream>((ok, fail) =>
      file.openReadStream(entry, (err, s) => (err || !s ? fail(unzipFailure()) : ok(s))),
    );
    if (type === 0o120000) {
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      const link = Buffer.concat(chunks).toString('utf8');
      const resolved = resolve(dirname(target), link);
      if (isAbsolute(link) || !(resolved === into || resolved.startsWith(into + sep))) throw unzipFailure();
      symlinkSync(link, target);
      continue;
    }
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        written += chunk.length;
        cb(written > MAX_UNZIPPED_BYTES ? tooLarge() : null, chunk);
      },
    });
    const permissions = mode & 0o777 || 0o644;
    try {
      await pipeline(stream, counter, createWriteStream(target, { mode: permissions | 0o400 }));
    } catch (err) {
      throw err instanceof Error && err.name === 'InvalidParameterValueException' ? err : unzipFailure();
    }
  }
  file.close();
}
