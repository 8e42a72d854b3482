import { CalendarDate } from '../shared/calendar';
import { invalid } from '../shared/rule-violation';
import { Check, checkBoolean, checkWholeNumber, firstViolation } from '../shared/value-rules';
import { LIMITS } from '../vocabulary';
import { Cadence, EngagementPolicy } from './program.events';

/**
 * The policy a program runs with until one is set. The figures follow the leading mentorship products: a first
 * meeting within two weeks, a check-in once a cadence has passed without a session, stalled after two, an
 * automatic end after 90 days without one (warned a week before), feedback asked for three days after a session.
 */
export function defaultEngagementPolicy(cadence: Cadence): EngagementPolicy {
  return {
    firstSessionWithinDays: 14,
    checkInAfterDays: cadence.sessionEveryDays,
    stalledAfterDays: 2 * cadence.sessionEveryDays,
    autoEndAfterDays: 90,
    warnDaysBefore: 7,
    feedbackDueDays: 3,
    closeProgramAtEnd: true,
  };
}

const POLICY_FIELDS = [
  'firstSessionWithinDays',
  'checkInAfterDays',
  'stalledAfterDays',
  'autoEndAfterDays',
  'warnDaysBefore',
  'feedbackDueDays',
  'closeProgramAtEnd',
] as const satisfies ReadonlyArray<keyof EngagementPolicy>;

/** A whole policy from a partial one: every figure left out (or undefined) takes its default. */
export function resolveEngagementPolicy(given: Partial<EngagementPolicy>, cadence: Cadence): EngagementPolicy {
  const policy: Record<string, unknown> = { ...defaultEngagementPolicy(cadence) };
  for (const field of POLICY_FIELDS) {
    if (given[field] !== undefined) policy[field] = given[field];
  }
  return policy as unknown as EngagementPolicy;
}

export function sameEngagementPolicy(a: EngagementPolicy, b: EngagementPolicy): boolean {
  return POLICY_FIELDS.every((field) => a[field] === b[field]);
}

/**
 * Checks a partial policy as resolved against the program's cadence; `field` prefixes each field path
 * ('policy' gives 'policy.stalledAfterDays'). A relation broken by a default says so.
 */
export function checkEngagementPolicy(field: string, given: unknown, cadence: Cadence): Check {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    return invalid(field, 'object-required', 'The engagement policy must be an object of days and settings.');
  }
  const partial = given as Partial<EngagementPolicy>;
  const policy = resolveEngagementPolicy(partial, cadence);
  const at = (name: keyof EngagementPolicy) => `${field}.${name}`;
  const violation = firstViolation(
    checkWholeNumber(at('firstSessionWithinDays'), 'Days to the first session', policy.firstSessionWithinDays, LIMITS.firstSessionWithinDays),
    checkWholeNumber(at('checkInAfterDays'), 'Days until a check-in is due', policy.checkInAfterDays, LIMITS.checkInAfterDays),
    checkWholeNumber(at('stalledAfterDays'), 'Days until a pair counts as stalled', policy.stalledAfterDays, LIMITS.stalledAfterDays),
    policy.autoEndAfterDays === null
      ? undefined
      : checkWholeNumber(at('autoEndAfterDays'), 'Days without a session before a pair ends', policy.autoEndAfterDays, LIMITS.autoEndAfterDays),
    checkWholeNumber(at('warnDaysBefore'), 'Days of warning before a pair ends', policy.warnDaysBefore, LIMITS.warnDaysBefore),
    checkWholeNumber(at('feedbackDueDays'), 'Days until feedback is due', policy.feedbackDueDays, LIMITS.feedbackDueDays),
    checkBoolean(at('closeProgramAtEnd'), 'Close the program at its end date', policy.closeProgramAtEnd),
  );
  if (violation) return violation;
  const byDefault = (name: keyof EngagementPolicy, which: string) =>
    partial[name] === undefined ? ` (${which}, as none was given)` : '';
  if (policy.stalledAfterDays <= policy.checkInAfterDays) {
    return invalid(
      at('stalledAfterDays'),
      'stalled-after-check-in',
      `A pair must count as stalled later than a check-in falls due: check-in after ${policy.checkInAfterDays} days, stalled after ${policy.stalledAfterDays}${byDefault('stalledAfterDays', 'the default, twice the days between sessions')}.`,
    );
  }
  if (policy.autoEndAfterDays !== null && policy.autoEndAfterDays <= policy.warnDaysBefore) {
    return invalid(
      at('autoEndAfterDays'),
      'auto-end-after-warning',
      `A pair is warned ${policy.warnDaysBefore} days before it ends, so it can end automatically after more than ${policy.warnDaysBefore} days without a session; got ${policy.autoEndAfterDays}${byDefault('autoEndAfterDays', 'the default')}.`,
    );
  }
  return undefined;
}

/** The note of a pair ended by the automation ('inactive'): dates and the policy only, no personal data. */
export function inactivePairNote(lastActiveOn: CalendarDate, autoEndAfterDays: number): string {
  return `No session since ${lastActiveOn}: the program's engagement policy ends a pair after ${autoEndAfterDays} days without one.`;
}

/** The outcome the automation closes a program with, the day after its end date (closeProgramAtEnd). */
export function endDatePassedOutcome(endsOn: CalendarDate): string {
  return `The program's end date (${endsOn}) passed; closed automatically under its engagement policy.`;
}
