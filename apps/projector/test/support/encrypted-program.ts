import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, linkHash, Seal, sealData } from '@flipside/audit';
import { EventStore, JsonObject, Position } from '@flipside/event-store';
import { KeyOwners, PersonalDataCipher } from '@flipside/personal-data';

/** One participant of the program, with the personal data planted for leak scans. */
export interface Person {
  readonly participantId: string;
  readonly personId: string;
  readonly role: 'mentor' | 'mentee';
  readonly displayName: string;
  readonly email: string;
}

type Scripted = { type: string; data: JsonObject };

/**
 * A program written the way the API writes it since crypto-shredding: schema version 2, every personal field
 * encrypted under its owner's key (the person's, or the pair's for the pair's shared text), every event chained
 * under `seal`. Each private text carries a unique marker, so a leak is found by a substring scan.
 */
export class EncryptedProgram {
  readonly programId = randomUUID();
  readonly pairId = randomUUID();
  readonly sessionId = randomUUID();
  readonly objectiveId = randomUUID();
  readonly feedbackId = randomUUID();
  private readonly tag = randomUUID().slice(0, 8);
  readonly mentor: Person;
  readonly mentee: Person;
  /** Every personal text written: none may be readable anywhere once its owner is erased. */
  readonly menteeTexts: string[];
  readonly pairTexts: string[];
  private readonly heads = new Map<string, { revision: bigint; hash: string }>();

  constructor(
    readonly organizationId: string,
    private readonly cipher: PersonalDataCipher,
    private readonly seal: Seal,
  ) {
    const person = (role: Person['role'], first: string): Person => ({
      participantId: randomUUID(),
      personId: `emp-${role}-${this.tag}`,
      role,
      displayName: `${first} Shreddable-${this.tag}`,
      email: `${first.toLowerCase()}.${this.tag}@erasure.example`,
    });
    this.mentor = person('mentor', 'Kavya');
    this.mentee = person('mentee', 'Jack');
    this.menteeTexts = [this.mentee.displayName, this.mentee.email];
    this.pairTexts = [`INSIGHT-${this.tag}`, `NOTES-${this.tag}`, `ACTION-${this.tag}`, `TITLE-${this.tag}`, `CRITERIA-${this.tag}`, `COMMENT-${this.tag}`];
  }

  private readonly owners: KeyOwners = {
    person: (event) => {
      const data = event.data as { personId?: string; participantId?: string };
      const personId = data.personId ?? [this.mentor, this.mentee].find((p) => p.participantId === data.participantId)?.personId;
      if (!personId) throw new Error(`No person for ${event.type}`);
      return { kind: 'person', organizationId: this.organizationId, personId };
    },
    pair: () => ({ kind: 'pair', organizationId: this.organizationId, pairId: this.pairId, members: [this.mentor.personId, this.mentee.personId] }),
  };

  /** The program stream up to the pairing, then the pair's working life; answers the last position. */
  async appendLife(store: EventStore): Promise<Position> {
    const programId = this.programId;
    const enrolled = (p: Person): Scripted => ({
      type: 'ParticipantEnrolled',
      data: {
        programId, participantId: p.participantId, personId: p.personId, role: p.role, displayName: p.displayName, email: p.email,
        seniority: p.role === 'mentor' ? 2 : 9, department: 'Marketing', skills: ['video'], interests: ['strategy'],
        ...(p.role === 'mentor' ? { capacity: 2 } : {}), enrolledOn: '2025-03-01',
      },
    });
    await this.append(store, `program-${programId}`, [
      {
        type: 'ProgramCreated',
        data: {
          programId, organizationId: this.organizationId, name: 'Digital fluency', description: 'Leaders learn from juniors',
          focusAreas: ['technology'], goals: ['Post monthly'], cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
          startsOn: '2025-03-01', endsOn: '2025-08-31', maxMenteesPerMentor: 2, pairingRule: 'reverse', createdOn: '2025-03-01',
        },
      },
      enrolled(this.mentor),
      enrolled(this.mentee),
      { type: 'ProgramLaunched', data: { programId, launchedOn: '2025-03-02' } },
      { type: 'Paired', data: { programId, pairId: this.pairId, mentorId: this.mentor.participantId, menteeId: this.mentee.participantId, pairedBy: 'admin', pairedOn: '2025-03-05' } },
    ]);
    const [insight, notes, action, title, criteria, comment] = this.pairTexts;
    const pair = { programId, pairId: this.pairId };
    return this.append(store, `pair-${this.pairId}`, [
      {
        type: 'ObjectiveSet',
        data: { ...pair, objectiveId: this.objectiveId, title, area: 'technology', successCriteria: criteria, targetDate: '2025-06-01', baselineLevel: 2, targetLevel: 7, setOn: '2025-03-06' },
      },
      {
        type: 'SessionHeld',
        data: {
          ...pair, sessionId: this.sessionId, heldOn: '2025-03-08', durationMinutes: 45, format: 'video', topics: ['posting'], insights: insight,
          actionItems: [{ description: action, owner: 'mentee', dueOn: '2025-04-01' }], confidentialNotes: notes, loggedOn: '2025-03-08',
        },
      },
      {
        type: 'FeedbackGiven',
        data: { ...pair, feedbackId: this.feedbackId, sessionId: this.sessionId, fromRole: 'mentee', givenBy: this.mentee.participantId, rating: 4, comment, fit: 'good', givenOn: '2025-03-09' },
      },
      { type: 'ObjectiveAchieved', data: { ...pair, objectiveId: this.objectiveId, finalLevel: 6, achievedOn: '2025-03-20' } },
    ]);
  }

  /** The erasure as the program stream records it (the keys are destroyed beside it). */
  appendErasure(store: EventStore, person: Person = this.mentee): Promise<Position> {
    return this.append(store, `program-${this.programId}`, [
      { type: 'PersonErased', data: { programId: this.programId, participantId: person.participantId, personId: person.personId, erasedOn: '2025-04-02' } },
    ]);
  }

  private async append(store: EventStore, stream: string, events: readonly Scripted[]): Promise<Position> {
    const encrypted = await this.cipher.encrypt(events, this.owners);
    const head = this.heads.get(stream);
    let revision = head ? head.revision + 1n : 0n;
    let previousHash = head?.hash ?? GENESIS_HASH;
    const toAppend = encrypted.map((event) => {
      const id = randomUUID();
      const metadata: JsonObject = {
        eventId: id,
        schemaVersion: 2,
        occurredAt: new Date().toISOString(),
        organizationId: this.organizationId,
        actor: { id: 'erasure-admin', roles: ['admin'] },
        command: 'Seed',
        correlationId: id,
        causationId: id,
      };
      metadata.hash = linkHash({ previousHash, streamName: stream, revision, type: event.type, data: sealData(event.type, id, event.data, this.seal), metadata });
      previousHash = metadata.hash as string;
      revision++;
      return { id, type: event.type, data: event.data, metadata };
    });
    const result = await store.append(stream, toAppend, head ? head.revision : 'no_stream');
    this.heads.set(stream, { revision: result.nextExpectedRevision, hash: previousHash });
    return result.position;
  }
}
