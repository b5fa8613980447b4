// Fills a spare environment's /var/task with a function's code by hard-linking the extracted
// package (copying only across filesystems): cheap for typical packages, and the environment sees
// exactly its own function's files.
import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Most entries a claim will link before giving up (a fresh start is then cheaper). */
export const MAX_LINKED_ENTRIES = 20_000;

export function linkTree(source: string, target: string): void {
  let budget = MAX_LINKED_ENTRIES;
  const walk = (from: string, to: string): void => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (--budget < 0) throw new Error(`package has more than ${MAX_LINKED_ENTRIES} entries`);
      const src = join(from, entry.name);
      const dst = join(to, entry.name);
      if (entry.isDirectory()) {
        mkdirSync(dst, { mode: lstatSync(src).mode & 0o7777 });
        walk(src, dst);
      } else if (entry.isSymbolicLink()) {
        symlinkSync(readlinkSync(src), dst);
      } else if (entry.isFile()) {
        try {
          linkSync(src, dst);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EXDEV' && (err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
          copyFileSync(src, dst);
        }
      }
    }
  };
  walk(source, target);
}
