// Builds deployment packages in memory for tests: `zip({ 'index.mjs': '...' })`.
import { zipSync } from 'fflate';

export function zip(files: Record<string, string | { content: string; mode: number }>): Buffer {
  const entries: Record<string, [Uint8Array, { os: number; attrs: number }]> = {};
  for (const [name, file] of Object.entries(files)) {
    const { content, mode } = typeof file === 'string' ? { content: file, mode: 0o644 } : file;
    // Unix external attributes: regular file type bits and permissions in the high 16 bits.
    entries[name] = [Buffer.from(content), { os: 3, attrs: ((0o100000 | mode) << 16) >>> 0 }];
  }
  return Buffer.from(zipSync(entries));
}
