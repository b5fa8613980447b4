// Definition entry points: parse (throws AWS's InvalidDefinition) and validate (diagnostics list).
import type { StateMachine, ValidationResult } from './model.js';

export interface ValidateOptions {
  /** Max diagnostics returned (ValidateStateMachineDefinition `maxResults`, default 100). */
  readonly maxResults?: number;
  /** Minimum severity to report: 'ERROR' (default) or 'WARNING'. */
  readonly severity?: 'ERROR' | 'WARNING';
}

/** Parse and validate a definition string as CreateStateMachine does; throws AslValidationError. */
export function parseDefinition(text: string): StateMachine {
  throw new Error('asl: not implemented yet: parseDefinition' + text.length);
}

/** ValidateStateMachineDefinition: every problem, not just the first. Never throws. */
export function validateDefinition(text: string, options: ValidateOptions = {}): ValidationResult {
  throw new Error('asl: not implemented yet: validateDefinition' + text.length + String(options));
}
