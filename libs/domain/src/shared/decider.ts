import { RuleViolation } from './rule-violation';

/** What a decider answers to a command: the events to record, or the rule the command broke. */
export type Decision<E> = { ok: true; events: E[] } | { ok: false; violation: RuleViolation };

/**
 * An aggregate as two pure functions: `decide` turns a command into events given the current state,
 * `evolve` folds one recorded event into the state. No I/O, no clock: time and ids arrive with the command.
 */
export interface Decider<C, E, S> {
  decide(command: C, state: S): Decision<E>;
  evolve(state: S, event: E): S;
  initialState: S;
}

export function accept<E>(...events: E[]): Decision<E> {
  return { ok: true, events };
}

export function reject<E = never>(violation: RuleViolation): Decision<E> {
  return { ok: false, violation };
}

/** Rebuilds a state from the stream's history. */
export function fold<C, E, S>(decider: Decider<C, E, S>, events: readonly E[]): S {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
}
