// Stack records: what a stack deployed (physical ids, resolved properties, attributes, outputs),
// kept as `.nimbus-sam/stacks/<name>.json` in the project folder. Written atomically (temp file +
// rename + fsync) after every resource operation, so an interrupted deploy knows what exists.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface ResourceRecord {
  type: string;
  physicalId: string;
  /** Ref value. */
  ref: string;
  attributes: Record<string, unknown>;
  /** Properties as resolved when this resource was last created or updated. */
  properties: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  deletionPolicy?: string;
}

export type StackStatus =
  | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'ROLLBACK_IN_PROGRESS' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED'
  | 'UPDATE_IN_PROGRESS' | 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_IN_PROGRESS' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED'
  | 'DELETE_IN_PROGRESS' | 'DELETE_FAILED';

export interface StackRecord {
  stackName: string;
  stackId: string;
  status: StackStatus;
  endpoint: string;
  region: string;
  templatePath: string;
  parameters: Record<string, string | string[]>;
  resources: Record<string, ResourceRecord>;
  outputs: Array<{ OutputKey: string; OutputValue: string; Description?: string; ExportName?: string }>;
  /** Export names the stack imports (Fn::ImportValue): their exporters cannot be deleted. */
  imports?: string[];
  updatedAt: string;
}

/** `.nimbus-sam` belongs to the project: next to the template, or above `.nimbus-sam/build/`. */
export function projectDir(templatePath: string): string {
  const dir = dirname(templatePath);
  if (basename(dir) === 'build' && basename(dirname(dir)) === '.nimbus-sam') return dirname(dirname(dir));
  return dir;
}

export class StackStore {
  constructor(readonly dir: string) {}

  static forProject(project: string): StackStore {
    return new StackStore(join(project, '.nimbus-sam', 'stacks'));
  }

  private file(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  get(name: string): StackRecord | undefined {
    const f = this.file(name);
    if (!existsSync(f)) return undefined;
    return JSON.parse(readFileSync(f, 'utf8')) as StackRecord;
  }

  save(record: StackRecord): void {
    mkdirSync(this.dir, { recursive: true });
    record.updatedAt = new Date().toISOString();
    const f = this.file(record.stackName);
    const tmp = `${f}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(record, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, f);
  }

  /** The other stacks of this project. */
  private others(except: string): StackRecord[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((file) => file.endsWith('.json') && file !== `${except}.json`)
      .map((file) => this.get(file.slice(0, -'.json'.length)))
      .filter((r): r is StackRecord => r !== undefined);
  }

  /** The value another stack of this project exports under `name` (Fn::ImportValue), and that stack. */
  exported(name: string, except: string): { value: string; stack: string } | undefined {
    for (const record of this.others(except)) {
      const found = record.outputs.find((o) => o.ExportName === name);
      if (found) return { value: found.OutputValue, stack: record.stackName };
    }
    return undefined;
  }

  /** Another stack of this project importing `name`, if any. */
  importer(name: string, except: string): string | undefined {
    return this.others(except).find((r) => r.imports?.includes(name))?.stackName;
  }

  remove(name: string): void {
    rmSync(this.file(name), { force: true });
  }
}
