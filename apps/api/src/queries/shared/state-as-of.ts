import { Inject, Injectable } from '@nestjs/common';
import { isRFC3339, ValidateBy } from 'class-validator';
import { Response } from 'express';
import { programStreams } from '@flipside/audit';
import { isCalendarDate, pairStreamName } from '@flipside/domain';
import {
  comparePositions,
  EVENT_STORE,
  EventReader,
  parsePosition,
  Position,
  RecordedEvent,
  serializePosition,
  StreamNotFoundError,
} from '@flipside/event-store';
import { upcast } from '@flipside/personal-data';
import { DashboardRows, evolveDashboard, ProgramOverviewRow } from '@flipside/read-models';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { Actor } from '../../identity/actor';
import { dayOf } from './pair-health';
import { visibleProgram } from './program-visibility';

/** A moment to answer as of: a recorded time, or a place in the log as commands answer it. */
export type AsOf = { readonly time: Date; readonly position?: undefined } | { readonly position: Position; readonly time?: undefined };

/** No store has a log position beyond a signed 64-bit offset. */
const LARGEST_POSITION = 2n ** 63n - 1n;

/** Undefined for text that is neither an RFC 3339 timestamp (with its offset) nor a position, so callers answer 400. */
export function parseAsOf(text: unknown): AsOf | undefined {
  if (typeof text !== 'string' || text !== text.trim()) return undefined;
  const position = parsePosition(text);
  if (position) return position.commit <= LARGEST_POSITION && position.prepare <= LARGEST_POSITION ? { position } : undefined;
  // class-validator's RFC 3339 grammar lets 2025-02-30 and second 60 through: the calendar and Date refuse them.
  if (!isRFC3339(text) || !isCalendarDate(text.slice(0, 10))) return undefined;
  const time = Date.parse(`${text.slice(0, 10)}T${text.slice(11).toUpperCase()}`);
  return Number.isFinite(time) ? { time: new Date(time) } : undefined;
}

const AS_OF_RULE = 'asOf must be an RFC 3339 timestamp with its offset (e.g. 2025-06-30T17:00:00Z) or a position as a command answered it (e.g. 1234/56)';

/** Valid asOf text, and not a time still to come: what has not happened yet has no state. */
export const IsAsOf = () =>
  ValidateBy({
    name: 'isAsOf',
    validator: {
      validate: (value: unknown) => {
        const asOf = parseAsOf(value);
        return asOf !== undefined && !(asOf.time && asOf.time.getTime() > Date.now());
      },
      defaultMessage: (args) => (parseAsOf(args?.value) ? 'asOf must not be later than now' : AS_OF_RULE),
    },
  });

/** `asOf`: answer from the events up to that moment instead of from the read models. */
export class StateAsOfDto {
  @MayBeOmitted()
  @IsAsOf()
  asOf?: string;
}

/** A program's dashboard rows as they stood at a moment, rebuilt from its events by the projector's own evolve. */
export interface StateAsOf {
  readonly program: ProgramOverviewRow;
  readonly rows: DashboardRows;
  /** The last event included; unknown on stores that give events read by stream no log position. */
  readonly position: Position | undefined;
  /** The UTC day the moment fell on: health is judged on it. */
  readonly today: string;
}

type Order = (a: RecordedEvent, b: RecordedEvent) => number;

/** Some EventStoreDB versions give events read by stream no log position (START): only their recorded time orders them. */
const positioned = (event: RecordedEvent) => event.position.commit >= 0n;

/**
 * Applies the program's events (its stream and its pairs' streams) recorded at or before T, or at or before
 * position T, in log order, to rows held in memory only. Undefined when the program did not exist yet.
 */
export async function stateAsOf(reader: EventReader, programId: string, asOf: AsOf): Promise<StateAsOf | undefined> {
  const streams = await programStreams(reader, programId);
  if (!streams) return undefined;
  const order = logOrder(streams.streamNames);
  const atT = asOf.position && (await eventAt(reader, asOf.position));
  const included = cutAt(asOf, atT, order, (event) => streams.streamNames.includes(event.streamName));
  const programEvents = streams.programEvents.filter(included);
  // A pair's events all follow its Paired event: pairs formed after T have nothing to include.
  const pairIds = new Set(programEvents.filter((event) => event.type === 'Paired').map((event) => String(event.data.pairId)));
  const pairEvents = await Promise.all([...pairIds].map((pairId) => eventsOfPair(reader, pairId)));
  // As the projector's gate hands them over: upcast, personal fields as stored (the views open them).
  const events = [...programEvents, ...pairEvents.flat().filter(included)].sort(order).map(upcast);
  const rows = new DashboardRows();
  for (const event of events) {
    try {
      evolveDashboard(rows, event);
    } catch (error) {
      throw new Error(`${event.type} ${event.id} (${event.streamName}@${event.revision}) cannot be applied: ${(error as Error).message}`);
    }
  }
  const program = rows.programs.find(programId);
  if (!program) return undefined;
  const last = events[events.length - 1];
  const lastIsAtT = atT !== undefined && last.streamName === atT.streamName && last.revision === atT.revision;
  return {
    program,
    rows,
    position: positioned(last) ? last.position : lastIsAtT ? atT.position : undefined,
    // A position's moment: when the log moved there (the event at T, or the next one), or now if it has not yet.
    today: dayOf(asOf.time ?? atT?.recordedAt ?? new Date()),
  };
}

/** The log order the projector applies: by position, or by recorded time where stream reads give none; then stream, revision. */
function logOrder(streamNames: readonly string[]): Order {
  const index = new Map(streamNames.map((name, at) => [name, at]));
  return (a, b) => {
    if (positioned(a) && positioned(b)) {
      const byPosition = comparePositions(a.position, b.position);
      if (byPosition !== 0) return byPosition;
    } else if (a.recordedAt.getTime() !== b.recordedAt.getTime()) {
      return a.recordedAt.getTime() - b.recordedAt.getTime();
    }
    return (index.get(a.streamName) ?? -1) - (index.get(b.streamName) ?? -1) || (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0);
  };
}

/** Whether an event happened at or before T. */
function cutAt(asOf: AsOf, atT: RecordedEvent | undefined, order: Order, ours: (event: RecordedEvent) => boolean) {
  if (asOf.time) return (event: RecordedEvent) => event.recordedAt.getTime() <= asOf.time.getTime();
  const exact = atT !== undefined && comparePositions(atT.position, asOf.position) === 0;
  return (event: RecordedEvent) => {
    if (positioned(event)) return comparePositions(event.position, asOf.position) <= 0;
    // No position to compare: up to the event at T (or before the next one) in recorded-time order.
    if (!atT) return true;
    if (!ours(atT)) return event.recordedAt.getTime() < atT.recordedAt.getTime();
    return exact ? order(event, atT) <= 0 : order(event, atT) < 0;
  };
}

async function eventsOfPair(reader: EventReader, pairId: string): Promise<RecordedEvent[]> {
  try {
    return await reader.readStream(pairStreamName(pairId));
  } catch (error) {
    // A pair with nothing logged yet has no stream.
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/** The event at a position, or the first one after it; undefined when the log has not reached it. */
async function eventAt(reader: EventReader, position: Position): Promise<RecordedEvent | undefined> {
  const [event] = await reader.readAll({ from: position, maxCount: 1 });
  return event;
}

/** The state as of T that the actor may see, or the 404 of a program that does not exist (the live rule, applied then). */
@Injectable()
export class StatesAsOf {
  constructor(@Inject(EVENT_STORE) private readonly store: EventReader) {}

  async visibleTo(programId: string, asOf: AsOf, actor: Actor): Promise<StateAsOf> {
    const state = await stateAsOf(this.store, programId, asOf);
    // Enrolled then: a participant row of the caller's person (its token's `sub`) in the program.
    await visibleProgram(programId, state?.program, actor, () =>
      (state?.rows.participants.all() ?? []).some((participant) => participant.personId === actor.id && participant.programId === programId),
    );
    return state!;
  }
}

export const AS_OF_POSITION_HEADER = 'X-As-Of-Position';

/** An as-of answer and the last event it includes. */
export interface AnswerAsOf<T> {
  readonly answer: T;
  readonly position: Position | undefined;
}

/** The answer's body; the position it reaches, when known, goes into X-As-Of-Position. */
export function answeredAsOf<T>(response: Response, { answer, position }: AnswerAsOf<T>): T {
  if (position) response.setHeader(AS_OF_POSITION_HEADER, serializePosition(position));
  return answer;
}
