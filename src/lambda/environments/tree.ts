// Fills a folder with the files of another by hard-linking them (copying only across
// filesystems): a spare environment's /var/task with a function's code, and a function's /opt with
// its layers. Linking into a folder that already has entries overlays it: a file of the source
// replaces the one of the same path, as a later layer's files replace an earlier one's in /opt.
import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Most entries a claim will link before giving up (a fresh start is then cheaper). */
export const MAX_LINKED_ENTRIES = 20_000;

export function linkTree(source: string, target: string, maxEntries = MAX_LINKED_ENTRIES): void {
  let budget = maxEntries;
  // The first attempt assumes an empty target (the claim path); a clash clears the way and retries.
  const place = (dst: string, make: () => void): void => {
    try {
      make();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      rmSync(dst, { recursive: true, force: true });
      make();
    }
  };
  const walk = (from: string, to: string): void => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (--budget < 0) throw new Error(`package has more than ${maxEntries} entries`);
      const src = join(from, entry.name);
      const dst = join(to, entry.name);
      if (entry.isDirectory()) {
        const mode = lstatSync(src).mode & 0o7777;
        try {
          mkdirSync(dst, { mode });
        } catch (err) {
          // An existing folder merges; a file or link in the way is replaced by the folder.
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          if (!lstatSync(dst).isDirectory()) place(dst, () => mkdirSync(dst, { mode }));
        }
        walk(src, dst);
      } else if (entry.isSymbolicLink()) {
        const link = readlinkSync(src);
        place(dst, () => symlinkSync(link, dst));
      } else if (entry.isFile()) {
        place(dst, () => {
          try {
            linkSync(src, dst);
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code !== 'EXDEV' && code !== 'EPERM') throw err;
            copyFileSync(src, dst);
          }
        });
      }
    }
  };
  walk(source, target);
}
