import {
  EngagementEvent,
  PairFacts,
  engagementSubject,
  evolvePairFacts,
  evolveProgramFacts,
  pairTimers,
  programTimers,
  Timer,
} from '@flipside/domain';
import { RecordedEvent } from '@flipside/event-store';
import { Queryable } from '../engine/processor';
import { ArmedSubject, engagementLedger } from './engagement-ledger';

interface Cause {
  readonly eventId: string;
  readonly correlationId: string;
  /** Its place in the batch: of a pair's cause and its program's, the later one armed what the pair has now. */
  readonly at: number;
}

/**
 * Folds a batch of the log into the automation's facts and re-arms the timers of every pair and program it
 * touched, inside the caller's transaction (the one that moves the checkpoint).
 */
export async function armTimers(db: Queryable, events: readonly RecordedEvent[]): Promise<void> {
  const relevant = events.filter((event) => engagementSubject(event.type) !== undefined);
  if (relevant.length === 0) return;
  const programIds = new Set<string>();
  const pairIds = new Set<string>();
  const programsWithNews = new Set<string>();
  for (const event of relevant) {
    const data = event.data as { programId?: string; pairId?: string };
    if (typeof data.programId === 'string') programIds.add(data.programId);
    if (engagementSubject(event.type) === 'pair' && typeof data.pairId === 'string') pairIds.add(data.pairId);
    if (engagementSubject(event.type) === 'program' && typeof data.programId === 'string') programsWithNews.add(data.programId);
  }
  const programs = await engagementLedger.programs(db, [...programIds]);
  const pairs = await engagementLedger.pairs(db, [...pairIds], [...programsWithNews]);

  const programCause = new Map<string, Cause>();
  const pairCause = new Map<string, Cause>();
  for (const [at, event] of relevant.entries()) {
    const folded = event as unknown as EngagementEvent;
    const cause = { eventId: event.id, correlationId: correlationOf(event), at };
    if (engagementSubject(event.type) === 'program') {
      const next = evolveProgramFacts(programs.get(folded.data.programId), folded);
      if (next) {
        programs.set(next.programId, next);
        programCause.set(next.programId, cause);
      }
    } else {
      const pairId = (folded.data as { pairId: string }).pairId;
      const next = evolvePairFacts(pairs.get(pairId), folded);
      if (next) {
        pairs.set(pairId, next);
        pairCause.set(pairId, cause);
      }
    }
  }

  const subjects: ArmedSubject[] = [];
  for (const [programId, cause] of programCause) {
    const program = programs.get(programId)!;
    subjects.push({ programId, armed: programTimers(program).map((timer) => armedBy(timer, cause)), ended: program.status === 'closed' });
  }
  const changedPairs: PairFacts[] = [];
  for (const pair of pairs.values()) {
    const cause = laterOf(pairCause.get(pair.pairId), programCause.get(pair.programId));
    const program = programs.get(pair.programId);
    if (!cause || !program) continue;
    if (pairCause.has(pair.pairId)) changedPairs.push(pair);
    subjects.push({
      programId: pair.programId,
      pairId: pair.pairId,
      armed: pairTimers(program, pair).map((timer) => armedBy(timer, cause)),
      ended: !pair.active || program.status === 'closed',
    });
  }
  await engagementLedger.savePrograms(db, [...programCause.keys()].map((id) => programs.get(id)!));
  await engagementLedger.savePairs(db, changedPairs);
  await engagementLedger.rearm(db, subjects);
}

function laterOf(a: Cause | undefined, b: Cause | undefined): Cause | undefined {
  return a && b ? (a.at > b.at ? a : b) : (a ?? b);
}

function armedBy(timer: Timer, cause: Cause) {
  return { timer, causedBy: cause.eventId, correlationId: cause.correlationId };
}

function correlationOf(event: RecordedEvent): string {
  const correlationId = (event.metadata as { correlationId?: unknown }).correlationId;
  return typeof correlationId === 'string' ? correlationId : event.id;
}
