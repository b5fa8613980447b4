// AWS-style input validation shared by CloudWatch Logs and CloudWatch metrics. AWS's front ends
// report every constraint violation of a request in one message:
//   "2 validation errors detected: Value 'x' at 'logGroupName' failed to satisfy constraint: …; …"
// Collect violations with a `Violations` and throw once, so clients see the same text as on AWS.

export class Violations {
  private readonly items: string[] = [];

  /** Records one violation; `value` undefined/null renders as `null` like AWS. */
  add(value: unknown, at: string, constraint: string): void {
    this.items.push(`Value ${render(value)} at '${at}' failed to satisfy constraint: ${constraint}`);
  }

  required(value: unknown, at: string): boolean {
    if (value === undefined || value === null) {
      this.add(null, at, 'Member must not be null');
      return false;
    }
    return true;
  }

  length(value: string | undefined, at: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value.length < min) this.add(value, at, `Member must have length greater than or equal to ${min}`);
    else if (value.length > max) this.add(value, at, `Member must have length less than or equal to ${max}`);
  }

  pattern(value: string | undefined, at: string, re: RegExp, source: string): void {
    if (value !== undefined && value.length > 0 && !re.test(value)) {
      this.add(value, at, `Member must satisfy regular expression pattern: ${source}`);
    }
  }

  range(value: number | undefined, at: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value < min) this.add(value, at, `Member must have value greater than or equal to ${min}`);
    else if (value > max) this.add(value, at, `Member must have value less than or equal to ${max}`);
  }

  count(value: readonly unknown[] | undefined, at: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value.length < min) this.add(value, at, `Member must have length greater than or equal to ${min}`);
    else if (value.length > max) this.add(value, at, `Member must have length less than or equal to ${max}`);
  }

  oneOf(value: string | number | undefined, at: string, allowed: readonly (string | number)[]): void {
    if (value !== undefined && !allowed.includes(value)) {
      this.add(value, at, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    }
  }

  get empty(): boolean {
    return this.items.length === 0;
  }

  /** The AWS message, or undefined when the input is valid. */
  message(): string | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    return `${n} validation error${n === 1 ? '' : 's'} detected: ${this.items.join('; ')}`;
  }
}

function render(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `'[${value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')}]'`;
  if (typeof value === 'object') return `'${JSON.stringify(value)}'`;
  const s = String(value);
  // AWS truncates nothing, but a 1 MB value in an error message helps nobody.
  return `'${s.length > 256 ? s.slice(0, 256) + '…' : s}'`;
}
