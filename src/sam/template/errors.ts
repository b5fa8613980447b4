// Template errors. Every problem found in a template names where it is: the resource (or section)
// and the property path, e.g. `Resources.HelloFunction.Properties.CodeUri`, so the user can fix it
// without guessing. Errors are collected during validation and thrown together.
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    /** Dotted path into the template, e.g. `Resources.Fn.Properties.Events.Api.Properties.Path`. */
    readonly path: string,
    readonly detail: string,
  ) {
    super(path ? `${path}: ${detail}` : detail);
  }
}

/** Several template errors at once (validation reports all it finds, not just the first). */
export class TemplateErrors extends Error {
  override readonly name = 'TemplateErrors';
  constructor(
    readonly errors: TemplateError[],
    /** A line on what the user can do about them. */
    hint?: string,
  ) {
    super(
      (errors.length === 1
        ? `Template error: ${errors[0]!.message}`
        : `Template has ${errors.length} errors:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`) + (hint ? `\n${hint}` : ''),
    );
  }
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}
