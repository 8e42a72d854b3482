import { randomUUID } from 'node:crypto';
import { EventStore, EventToAppend, Position } from '@flipside/event-store';
import { programScript } from './program-script';

/** Appends events to their streams the way the API would (one append per call), answering the last position. */
export async function appendEvents(store: EventStore, events: { type: string; data: Record<string, unknown> }[]): Promise<Position> {
  let last: Position | undefined;
  for (const event of events) {
    const result = await store.append(streamOf(event), [toAppend(event)], 'any');
    last = result.position;
  }
  return last!;
}

export function streamOf(event: { type: string; data: Record<string, unknown> }): string {
  const pairEvent = typeof event.data.pairId === 'string' && event.type !== 'Paired' && event.type !== 'PairEnded';
  return pairEvent ? `pair-${event.data.pairId}` : `program-${event.data.programId}`;
}

function toAppend(event: { type: string; data: Record<string, unknown> }): EventToAppend {
  const id = randomUUID();
  return {
    id,
    type: event.type,
    data: event.data,
    metadata: { eventId: id, schemaVersion: 1, occurredAt: new Date().toISOString(), organizationId: 'acme', actor: { id: 'seed', roles: ['admin'] }, correlationId: id, causationId: id },
  };
}

const day = (offset: number) => new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);

export interface ProgramShape {
  readonly pairs: number;
  /** Events on each pair stream: sessions with feedback from both sides, objectives set, progressed and closed. */
  readonly eventsPerPair: number;
}

/**
 * One program with a realistic mix: 2 participants per pair, training, pairing, then per pair mostly sessions
 * with feedback, and objectives set, progressed, achieved or dropped. Returns per-stream event lists.
 */
export function programStreams(index: number, shape: ProgramShape, organizationId = 'acme') {
  const programId = `p${index}-${randomUUID().slice(0, 8)}`;
  const p = programScript(programId, organizationId);
  const program = [p.created(day(0))];
  const pairStreams: { type: string; data: Record<string, unknown> }[][] = [];
  for (let n = 0; n < shape.pairs; n++) {
    program.push(p.enrolled(`${programId}-mentor-${n}`, 'mentor', day(1)), p.enrolled(`${programId}-mentee-${n}`, 'mentee', day(1)));
    if (n % 3 === 0) program.push(p.trained(`${programId}-mentor-${n}`, day(2)));
  }
  program.push(p.launched(day(3)));
  for (let n = 0; n < shape.pairs; n++) {
    const pairId = `${programId}-pair-${n}`;
    program.push(p.paired(pairId, `${programId}-mentor-${n}`, `${programId}-mentee-${n}`, day(4)));
    const events: { type: string; data: Record<string, unknown> }[] = [];
    let objective = 0;
    let open: string[] = [];
    for (let k = 0; events.length < shape.eventsPerPair; k++) {
      const on = day(5 + k * 3);
      const kind = k % 10;
      if (kind === 0 && open.length < 5) {
        const objectiveId = `${pairId}-o${objective++}`;
        open.push(objectiveId);
        events.push(p.objectiveSet(pairId, objectiveId, on, 2));
      } else if (kind === 4 && open.length > 0) {
        events.push(p.progress(pairId, open[0], 5, on));
      } else if (kind === 8 && open.length > 0) {
        const objectiveId = open.shift()!;
        events.push(objective % 4 === 0 ? p.dropped(pairId, objectiveId, on) : p.achieved(pairId, objectiveId, 6 + (k % 4), on));
      } else {
        events.push(p.session(pairId, `${pairId}-s${k}`, on, 20 + (k % 5) * 15));
        if (k % 2 === 0) events.push(p.feedback(pairId, `${pairId}-f${k}`, k % 4 === 0 ? 'mentee' : 'mentor', `${programId}-mentee-${n}`, 1 + (k % 5), k % 17 === 0 ? 'not-a-fit' : 'good', on));
      }
    }
    pairStreams.push(events.slice(0, shape.eventsPerPair));
  }
  if (index % 5 === 0 && shape.pairs > 1) program.push(p.ended(`${programId}-pair-0`, day(200), 'completed'));
  return { programId, program, pairStreams, events: program.length + pairStreams.reduce((sum, stream) => sum + stream.length, 0) };
}

/** Appends a program's streams: the program stream first (pairs exist before their events), then its pairs, in chunks. */
export async function seedProgram(store: EventStore, streams: ReturnType<typeof programStreams>, chunk = 200): Promise<void> {
  await appendChunks(store, `program-${streams.programId}`, streams.program, chunk);
  await Promise.all(streams.pairStreams.map((events) => appendChunks(store, streamOf(events[0]), events, chunk)));
}

async function appendChunks(store: EventStore, stream: string, events: { type: string; data: Record<string, unknown> }[], chunk: number) {
  for (let start = 0; start < events.length; start += chunk) {
    await store.append(stream, events.slice(start, start + chunk).map(toAppend), 'any');
  }
}
