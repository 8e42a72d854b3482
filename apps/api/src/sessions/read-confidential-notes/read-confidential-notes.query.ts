import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { pairContextOf, pairStreamName } from '@flipside/domain';
import { EVENT_STORE, EventStore, RecordedEvent, StreamNotFoundError } from '@flipside/event-store';
import { PersonalDataCipher } from '@flipside/personal-data';
import { problems } from '../../http/problem';
import { Actor } from '../../identity/actor';
import { ProgramAccess } from '@flipside/write-path';

/** What GET …/sessions/{sessionId}/confidential-notes answers. */
export interface ConfidentialNotes {
  sessionId: string;
  /** Null when none were written, or once the pair's key was destroyed (then `erased`). */
  confidentialNotes: string | null;
  erased: boolean;
}

export class ReadConfidentialNotesQuery extends Query<ConfidentialNotes> {
  constructor(
    readonly programId: string,
    readonly pairId: string,
    readonly sessionId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}

/**
 * A session's confidential notes, for the pair's two members only: read from the pair's stream through the
 * personal-data cipher (read models never hold them), with the program stream as the authority on who the members are.
 */
@QueryHandler(ReadConfidentialNotesQuery)
export class ReadConfidentialNotesHandler implements IQueryHandler<ReadConfidentialNotesQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly programs: ProgramAccess,
    private readonly cipher: PersonalDataCipher,
  ) {}

  async execute({ programId, pairId, sessionId, actor }: ReadConfidentialNotesQuery): Promise<ConfidentialNotes> {
    const pair = pairContextOf(await this.programs.load(programId, actor), pairId);
    if (pair.pairStatus === 'unknown') throw problems.notFound(`Pair ${pairId} was not found in program ${programId}`, 'pair-not-found');
    if (pair.mentorPersonId !== actor.id && pair.menteePersonId !== actor.id) {
      throw problems.forbidden(`Only the members of pair ${pairId} may read its confidential notes`);
    }
    const held = (await this.pairEvents(pairId)).find((event) => event.type === 'SessionHeld' && event.data.sessionId === sessionId);
    if (!held) throw problems.notFound(`Session ${sessionId} was not found in pair ${pairId}`, 'session-not-found');
    const [opened] = await this.cipher.open([held]);
    const notes = opened.data.confidentialNotes;
    return { sessionId, confidentialNotes: typeof notes === 'string' ? notes : null, erased: opened.erased.includes('confidentialNotes') };
  }

  private async pairEvents(pairId: string): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(pairStreamName(pairId));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}
