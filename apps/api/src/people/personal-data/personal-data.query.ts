import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { pairStreamName, programStreamName } from '@flipside/domain';
import { EVENT_STORE, EventStore, JsonObject, RecordedEvent, StreamNotFoundError } from '@flipside/event-store';
import { OpenedEvent, PersonalDataCipher, upcast } from '@flipside/personal-data';
import { problems } from '../../http/problem';
import { Actor } from '../../identity/actor';
import { ProgramsOfPerson } from '../programs-of-person';

type Text = string | null;

/** The participant record of the person in one program, as enrolled (personal fields null once erased). */
export interface ParticipantRecord {
  participantId: string;
  role: string;
  displayName: Text;
  email: Text;
  department: Text;
  seniority: number | null;
  skills: string[];
  interests: string[];
  managerId: string | null;
  enrolledOn: string;
  withdrawnOn: string | null;
  withdrawalReason: Text;
  erased: boolean;
}

export interface PairRecord {
  pairId: string;
  /** The person's role in the pair. */
  role: 'mentor' | 'mentee';
  partnerParticipantId: string;
  pairedOn: string;
  endedOn: string | null;
  rationale: Text;
  endNote: Text;
  objectives: { objectiveId: string; title: Text; successCriteria: Text; progressNotes: Text[]; dropReason: Text }[];
  sessions: { sessionId: string; heldOn: string; insights: Text; actionItems: { description: Text; owner: string; dueOn: string }[] }[];
  /** Feedback the person gave, with its comment. */
  feedbackGiven: { feedbackId: string; sessionId: string | null; rating: number; comment: Text; givenOn: string }[];
  /** Sessions of the pair with confidential notes: their text is withheld here, only the pair's members read it. */
  confidentialNotes: number;
  /** Some of the pair's text can no longer be read: its key was destroyed. */
  erased: boolean;
}

export interface ProgramRecord {
  programId: string;
  participant: ParticipantRecord;
  pairs: PairRecord[];
}

/** What GET /v1/people/{personId}/personal-data answers (GDPR Art. 15). */
export interface PersonalDataReport {
  personId: string;
  /** Every participant record of the person is erased. */
  erased: boolean;
  programs: ProgramRecord[];
}

export class PersonalDataQuery extends Query<PersonalDataReport> {
  constructor(
    readonly personId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}

const str = (value: unknown): Text => (typeof value === 'string' ? value : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/**
 * Everything held about a person across the organization's programs, read from the event store through the
 * personal-data cipher (never from read models, which may lag): one answer to a subject access request.
 */
@QueryHandler(PersonalDataQuery)
export class PersonalDataHandler implements IQueryHandler<PersonalDataQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly cipher: PersonalDataCipher,
    private readonly persons: ProgramsOfPerson,
  ) {}

  async execute({ personId, actor }: PersonalDataQuery): Promise<PersonalDataReport> {
    const programs: ProgramRecord[] = [];
    for (const programId of await this.persons.of(actor.organizationId, personId)) {
      const record = await this.programRecord(programId, personId, actor.organizationId);
      if (record) programs.push(record);
    }
    if (programs.length === 0) {
      throw problems.notFound('No program of this organization holds a participant with this person id', 'person-not-found');
    }
    return { personId, erased: programs.every((program) => program.participant.erased), programs };
  }

  private async programRecord(programId: string, personId: string, organizationId: string): Promise<ProgramRecord | undefined> {
    const stored = (await this.readStream(programStreamName(programId))).map(upcast);
    const created = stored[0];
    if (created?.type !== 'ProgramCreated' || created.data.organizationId !== organizationId) return undefined;
    // Ids are never encrypted: find the person's events first, then open only those (their keys in one query).
    const enrolment = stored.find((event) => event.type === 'ParticipantEnrolled' && event.data.personId === personId);
    if (!enrolment) return undefined;
    const participantId = enrolment.data.participantId as string;
    const pairIds = new Set(
      stored
        .filter((event) => event.type === 'Paired' && (event.data.mentorId === participantId || event.data.menteeId === participantId))
        .map((event) => event.data.pairId as string),
    );
    const own = await this.cipher.open(
      stored.filter(
        (event) => event.data.participantId === participantId || (typeof event.data.pairId === 'string' && pairIds.has(event.data.pairId)),
      ),
    );
    const participant = participantRecord(own, participantId);
    const pairs: PairRecord[] = [];
    for (const paired of own.filter((event) => event.type === 'Paired')) {
      pairs.push(await this.pairRecord(paired, own, participantId));
    }
    return { programId, participant, pairs };
  }

  private async pairRecord(paired: OpenedEvent, programEvents: readonly OpenedEvent[], participantId: string): Promise<PairRecord> {
    const pairId = paired.data.pairId as string;
    const mentor = paired.data.mentorId === participantId;
    const ended = programEvents.find((event) => event.type === 'PairEnded' && event.data.pairId === pairId);
    const events = await this.cipher.open(await this.readStream(pairStreamName(pairId)));
    const objectives = new Map<string, PairRecord['objectives'][number]>();
    const record: PairRecord = {
      pairId,
      role: mentor ? 'mentor' : 'mentee',
      partnerParticipantId: (mentor ? paired.data.menteeId : paired.data.mentorId) as string,
      pairedOn: paired.data.pairedOn as string,
      endedOn: str(ended?.data.endedOn),
      rationale: str(paired.data.rationale),
      endNote: str(ended?.data.note),
      objectives: [],
      sessions: [],
      feedbackGiven: [],
      confidentialNotes: 0,
      erased: paired.erased.length > 0 || (ended?.erased.length ?? 0) > 0,
    };
    for (const event of events) {
      const { data } = event;
      if (event.erased.some((path) => path !== 'confidentialNotes')) record.erased = true;
      const objective = typeof data.objectiveId === 'string' ? objectives.get(data.objectiveId) : undefined;
      switch (event.type) {
        case 'ObjectiveSet': {
          const set = { objectiveId: data.objectiveId as string, title: str(data.title), successCriteria: str(data.successCriteria), progressNotes: [], dropReason: null };
          objectives.set(set.objectiveId, set);
          record.objectives.push(set);
          break;
        }
        case 'ObjectiveProgressRecorded':
          objective?.progressNotes.push(str(data.note));
          break;
        case 'ObjectiveDropped':
          if (objective) objective.dropReason = str(data.reason);
          break;
        case 'SessionHeld':
          record.sessions.push({
            sessionId: data.sessionId as string,
            heldOn: data.heldOn as string,
            insights: str(data.insights),
            actionItems: (Array.isArray(data.actionItems) ? (data.actionItems as JsonObject[]) : []).map((item) => ({
              description: str(item.description),
              owner: item.owner as string,
              dueOn: item.dueOn as string,
            })),
          });
          // Withheld, only counted: a confidential note is for the pair's eyes (GET …/confidential-notes).
          if (data.confidentialNotes !== undefined) record.confidentialNotes += 1;
          break;
        case 'FeedbackGiven':
          if (data.givenBy === participantId) {
            record.feedbackGiven.push({
              feedbackId: data.feedbackId as string,
              sessionId: str(data.sessionId),
              rating: data.rating as number,
              comment: str(data.comment),
              givenOn: data.givenOn as string,
            });
          }
          break;
      }
    }
    return record;
  }

  private async readStream(streamName: string): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(streamName);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}

function participantRecord(events: readonly OpenedEvent[], participantId: string): ParticipantRecord {
  const enrolled = events.find((event) => event.type === 'ParticipantEnrolled' && event.data.participantId === participantId)!;
  const withdrawn = events.find((event) => event.type === 'ParticipantWithdrawn' && event.data.participantId === participantId);
  const erased = events.some((event) => event.type === 'PersonErased' && event.data.participantId === participantId) || enrolled.erased.length > 0;
  const { data } = enrolled;
  return {
    participantId,
    role: data.role as string,
    // An erased person's events written before encryption (v1) still hold plaintext: erased still means not shown.
    displayName: erased ? null : str(data.displayName),
    email: erased ? null : str(data.email),
    department: str(data.department),
    seniority: typeof data.seniority === 'number' ? data.seniority : null,
    skills: strings(data.skills),
    interests: strings(data.interests),
    managerId: str(data.managerId),
    enrolledOn: data.enrolledOn as string,
    withdrawnOn: str(withdrawn?.data.withdrawnOn),
    withdrawalReason: erased ? null : str(withdrawn?.data.reason),
    erased,
  };
}
