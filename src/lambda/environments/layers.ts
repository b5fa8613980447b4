// A function's /opt: its layers' extracted packages merged in order into one folder, a later
// layer's files replacing an earlier one's, as Lambda extracts them. Merged folders are named by
// the hash of the layer folders they were made from (those are content-addressed themselves), so
// functions with the same layers share one, and one made before a restart is reused as it is.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { linkTree } from './tree.js';

/** Layers hold at most 250 MB unzipped together with the function: entries are bounded by that. */
const MAX_MERGED_ENTRIES = 1_000_000;

export class LayerMerger {
  private readonly known = new Set<string>();

  constructor(private readonly root: string) {}

  /** The merged folder of `layerDirs` (in extraction order); undefined when there are none. */
  directory(layerDirs: readonly string[] | undefined): string | undefined {
    if (!layerDirs || layerDirs.length === 0) return undefined;
    const dir = join(this.root, createHash('sha256').update(layerDirs.join('\n')).digest('hex'));
    if (this.known.has(dir)) return dir;
    if (!existsSync(dir)) {
      // Built aside and renamed: a half-merged folder is never seen under the final name.
      const tmp = join(this.root, `.${randomUUID()}`);
      mkdirSync(tmp, { recursive: true });
      try {
        for (const layer of layerDirs) linkTree(layer, tmp, MAX_MERGED_ENTRIES);
        if (!existsSync(dir)) renameSync(tmp, dir);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    this.known.add(dir);
    return dir;
  }
}
