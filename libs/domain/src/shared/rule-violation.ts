/**
 * Why a command was refused. `kind` tells the API which status to answer with:
 * 'invalid' → 400 (a value out of range), 'conflict' → 409 (a business rule given the current state),
 * 'not-found' → 404 (an unknown program, pair, participant, objective or session).
 */
export type RuleViolationKind = 'invalid' | 'conflict' | 'not-found';

export interface RuleViolation {
  readonly kind: RuleViolationKind;
  /** Stable kebab-case code clients may branch on, e.g. 'mentor-less-senior-than-mentee'. */
  readonly rule: string;
  /** Words a program administrator understands, with the values involved. */
  readonly message: string;
  /** The offending command field (dotted path for nested values), for 'invalid' violations. */
  readonly field?: string;
}

export function invalid(field: string, rule: string, message: string): RuleViolation {
  return { kind: 'invalid', rule, message, field };
}

export function conflict(rule: string, message: string): RuleViolation {
  return { kind: 'conflict', rule, message };
}

export function notFound(rule: string, message: string): RuleViolation {
  return { kind: 'not-found', rule, message };
}
