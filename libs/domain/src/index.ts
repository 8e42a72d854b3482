/**
 * Flipside's domain: pure deciders for programs and pairs, their events and commands, the shared vocabulary
 * and limits, and the stored events' JSON Schemas. Test helpers live in '@flipside/domain/testing'.
 */
export * from './shared/decider';
export * from './shared/rule-violation';
export * from './shared/calendar';
export * from './vocabulary';

export * from './program/program.events';
export * from './program/program.commands';
export * from './program/program.state';
export * from './program/program.decider';
export * from './program/engagement-policy';

export * from './pair/pair.events';
export * from './pair/pair.commands';
export * from './pair/pair.context';
export * from './pair/pair.state';
export * from './pair/pair.decider';

export * from './engagement';

export * from './engagement';
// engagement.facts.ts declares these two alike (structurally the same): the domain's own are the ones exported.
export type { EngagementPolicy } from './program/program.events';
export type { PairFlag } from './vocabulary';

export * from './event-schemas';
export * from './personal-data';
export * from './upcasting';
