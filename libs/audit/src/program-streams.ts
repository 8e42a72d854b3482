import { pairStreamName, programStreamName } from '@flipside/domain';
import { EventReader, RecordedEvent, StreamNotFoundError } from '@flipside/event-store';

/** The streams that make up a program's history: its own stream, then one per pair it ever formed. */
export interface ProgramStreams {
  /** The program stream's events, in revision order (read once, reused by callers). */
  readonly programEvents: readonly RecordedEvent[];
  /** `program-<id>` first, then `pair-<id>` in the order the pairs were formed. */
  readonly streamNames: readonly string[];
}

/** Undefined when the program stream does not exist. */
export async function programStreams(reader: EventReader, programId: string): Promise<ProgramStreams | undefined> {
  let programEvents: RecordedEvent[];
  try {
    programEvents = await reader.readStream(programStreamName(programId));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return undefined;
    throw error;
  }
  const pairs = programEvents.filter((event) => event.type === 'Paired').map((event) => pairStreamName(String(event.data.pairId)));
  return { programEvents, streamNames: [programStreamName(programId), ...new Set(pairs)] };
}
