import { Decider, Decision, fold } from '../shared/decider';
import { RuleViolation, RuleViolationKind } from '../shared/rule-violation';

/**
 * Given/when/then specs for a decider:
 *
 *   spec.given(...pastEvents).when(command).then(...expectedEvents)
 *   spec.given(...pastEvents).when(command).thenRejects({ kind: 'conflict', rule: 'mentor-at-capacity' })
 *
 * A failure throws an Error whose message shows the expected and the actual events (and the index of the
 * first one that differs), or the violation expected and the one received. Past events and every state
 * are frozen, so a decider that mutates its input fails loudly.
 */

export interface ExpectedRejection {
  readonly kind: RuleViolationKind;
  readonly rule: string;
  /** Text the message must contain (each of them, if several). */
  readonly messageIncludes?: string | readonly string[];
  readonly field?: string;
}

export interface SpecOptions<E> {
  /** Called on every past and produced event; throw to fail the spec (e.g. a JSON Schema check). */
  readonly checkEvent?: (event: E) => void;
}

export interface WhenStep<E> {
  then(...expected: E[]): void;
  thenRejects(expected: ExpectedRejection): void;
}

export interface GivenStep<C, E> {
  when(command: C): WhenStep<E>;
}

export interface DeciderSpec<C, E> {
  given(...history: E[]): GivenStep<C, E>;
}

export function specFor<C, E, S>(decider: Decider<C, E, S>, options: SpecOptions<E> = {}): DeciderSpec<C, E> {
  const checkEvent = options.checkEvent ?? (() => undefined);
  return {
    given: (...history) => ({
      when: (command) => {
        history.forEach((event, index) => {
          assertPlainJson(event, `given event [${index}]`);
          checkEvent(event);
        });
        const frozenDecider: Decider<C, E, S> = {
          ...decider,
          evolve: (state, event) => deepFreeze(decider.evolve(deepFreeze(state), deepFreeze(event))),
        };
        const state = deepFreeze(fold(frozenDecider, history));
        const decision = decider.decide(deepFreeze(command), state);
        return {
          then: (...expected) => thenEvents(decision, expected, (events) => {
            events.forEach((event, index) => {
              assertPlainJson(event, `produced event [${index}]`);
              checkEvent(event);
            });
            events.reduce(frozenDecider.evolve, state);
          }),
          thenRejects: (expected) => thenRejection(decision, expected),
        };
      },
    }),
  };
}

function thenEvents<E>(decision: Decision<E>, expected: E[], checkProduced: (events: E[]) => void): void {
  if (!decision.ok) {
    throw new Error(
      [
        `Expected the command to be accepted with ${count(expected.length)}, but it was rejected.`,
        `  violation: ${printJson(decision.violation)}`,
        `Expected events:`,
        ...listEvents(expected),
      ].join('\n'),
    );
  }
  const actual = decision.events;
  const length = Math.max(expected.length, actual.length);
  for (let index = 0; index < length; index += 1) {
    if (canonicalJson(expected[index]) === canonicalJson(actual[index])) continue;
    throw new Error(
      [
        `Events differ at index ${index} (expected ${count(expected.length)}, got ${actual.length}).`,
        `  expected[${index}]: ${index < expected.length ? printJson(expected[index]) : '(no event)'}`,
        `  actual[${index}]:   ${index < actual.length ? printJson(actual[index]) : '(no event)'}`,
        `Expected events:`,
        ...listEvents(expected),
        `Actual events:`,
        ...listEvents(actual),
      ].join('\n'),
    );
  }
  checkProduced(actual);
}

function thenRejection<E>(decision: Decision<E>, expected: ExpectedRejection): void {
  if (decision.ok) {
    throw new Error(
      [
        `Expected the command to be rejected (${expected.kind} '${expected.rule}'), but it was accepted.`,
        `Produced events:`,
        ...listEvents(decision.events),
      ].join('\n'),
    );
  }
  const received = decision.violation;
  const problems = rejectionMismatches(received, expected);
  if (problems.length > 0) {
    throw new Error(
      [
        `The command was rejected, but not as expected: ${problems.join('; ')}.`,
        `  expected: ${printJson(expected)}`,
        `  received: ${printJson(received)}`,
      ].join('\n'),
    );
  }
}

function rejectionMismatches(received: RuleViolation, expected: ExpectedRejection): string[] {
  const problems: string[] = [];
  if (received.kind !== expected.kind) problems.push(`kind is '${received.kind}', expected '${expected.kind}'`);
  if (received.rule !== expected.rule) problems.push(`rule is '${received.rule}', expected '${expected.rule}'`);
  if (expected.field !== undefined && received.field !== expected.field) {
    problems.push(`field is '${received.field}', expected '${expected.field}'`);
  }
  const fragments =
    expected.messageIncludes === undefined
      ? []
      : typeof expected.messageIncludes === 'string'
        ? [expected.messageIncludes]
        : expected.messageIncludes;
  for (const fragment of fragments) {
    if (!received.message.includes(fragment)) problems.push(`message does not include "${fragment}"`);
  }
  if (received.message.trim().length === 0) problems.push('message is empty');
  return problems;
}

function count(n: number): string {
  return `${n} event${n === 1 ? '' : 's'}`;
}

function listEvents(events: readonly unknown[]): string[] {
  return events.length === 0 ? ['  (none)'] : events.map((event, index) => `  [${index}] ${printJson(event)}`);
}

function printJson(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

/** JSON with object keys sorted, so that key order never makes two equal events differ. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, entry]) => [key, sortKeys(entry)]));
  }
  return value;
}

/** Events are stored as JSON: no undefined values, no Date objects, no NaN. */
function assertPlainJson(value: unknown, where: string, path = ''): void {
  const at = `${where}${path}`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${at} is ${value}, which JSON cannot carry.`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((entry, index) => assertPlainJson(entry, where, `${path}[${index}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, entry] of Object.entries(value)) assertPlainJson(entry, where, `${path}.${key}`);
    return;
  }
  const what = value === undefined ? 'undefined' : typeof value === 'object' ? `a ${value.constructor?.name ?? 'bare'} object` : `a ${typeof value}`;
  throw new Error(`${at} is ${what}; events must be plain JSON (omit optional keys rather than set them to undefined).`);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const entry of Object.values(value)) deepFreeze(entry);
  }
  return value;
}
