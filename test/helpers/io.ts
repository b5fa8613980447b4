// An Io for the SAM commands that keeps what they print, for assertions.
import type { Io } from '../../src/sam/cli-io.js';

export function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
