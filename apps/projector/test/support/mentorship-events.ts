import { randomUUID } from 'node:crypto';
import { DomainEvent, EVENT_SCHEMA_VERSION, PairEvent, ProgramEvent } from '@flipside/domain';
import { EventStore, EventToAppend, JsonObject } from '@flipside/event-store';

/** Planted in what must never leave Flipside; suites scan every produced message for them. */
export const CONFIDENTIAL_NOTE_MARKER = 'CONFIDENTIAL-NOTE-3c91f7';
export const FEEDBACK_COMMENT_MARKER = 'FEEDBACK-COMMENT-8b24d0';
export const PRIVATE_TEXT_MARKER = 'PRIVATE-TEXT-51ae66';
/** Anything that looks like an e-mail address. */
export const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

export interface ScriptedEvent {
  readonly streamName: string;
  readonly event: EventToAppend;
  readonly programId: string;
}

export interface ProgramShape {
  readonly organizationId?: string;
  readonly pairs: number;
  readonly sessionsPerPair: number;
}

/** Stored metadata as the API writes it (apps/api event-envelope). */
function metadataFor(organizationId: string, occurredAt: string, correlationId: string): JsonObject {
  return {
    schemaVersion: EVENT_SCHEMA_VERSION,
    occurredAt,
    organizationId,
    actor: { id: 'admin-7', roles: ['admin'] },
    correlationId,
    causationId: correlationId,
  };
}

function toAppend(event: DomainEvent, organizationId: string, occurredAt: string): EventToAppend {
  const id = randomUUID();
  return {
    id,
    type: event.type,
    data: event.data as unknown as JsonObject,
    metadata: { eventId: id, ...metadataFor(organizationId, occurredAt, randomUUID()) },
  };
}

const day = (offset: number) => new Date(Date.UTC(2025, 2, 1) + offset * 86_400_000).toISOString().slice(0, 10);
const instant = (offset: number) => `${day(offset)}T10:${String(offset % 60).padStart(2, '0')}:00.000Z`;

/**
 * One program's realistic life, stream by stream: creation, enrolment (with e-mails), launch, pairing, then per
 * pair an objective, sessions with confidential notes, feedback with comments, progress and achievement.
 * Every private text carries a marker, so a leak is found by a plain substring scan.
 */
export function programLife(shape: ProgramShape): { programId: string; streams: Map<string, ScriptedEvent[]> } {
  const organizationId = shape.organizationId ?? `org-${randomUUID().slice(0, 8)}`;
  const programId = randomUUID();
  const streams = new Map<string, ScriptedEvent[]>();
  const programStream = `program-${programId}`;
  const add = (streamName: string, event: DomainEvent, offset: number) => {
    const list = streams.get(streamName) ?? [];
    list.push({ streamName, programId, event: toAppend(event, organizationId, instant(offset)) });
    streams.set(streamName, list);
  };
  const program = (event: ProgramEvent, offset: number) => add(programStream, event, offset);

  program({ type: 'ProgramCreated', data: {
    programId, organizationId, name: 'Digital fluency for leaders', description: `Board-level programme ${PRIVATE_TEXT_MARKER}`,
    focusAreas: ['technology', 'social-media'], goals: ['Every executive posts monthly'],
    cadence: { sessionEveryDays: 14, minSessionMinutes: 30 }, startsOn: day(0), endsOn: day(180),
    maxMenteesPerMentor: 1, pairingRule: 'reverse', createdOn: day(-10),
  } }, 0);
  const pairs: { pairId: string; mentorId: string; menteeId: string }[] = [];
  for (let index = 0; index < shape.pairs; index++) {
    const mentorId = `emp-m${index}-${programId.slice(0, 4)}`;
    const menteeId = `emp-e${index}-${programId.slice(0, 4)}`;
    pairs.push({ pairId: randomUUID(), mentorId, menteeId });
    program({ type: 'ParticipantEnrolled', data: {
      programId, participantId: mentorId, personId: mentorId, role: 'mentor', displayName: `Mentor ${index}`, email: `mentor.${index}@acme.example`,
      seniority: 2, department: 'Engineering', managerId: 'emp-boss', skills: ['social media', 'AI assistants'],
      interests: ['strategy'], capacity: 1, enrolledOn: day(-5),
    } }, 1);
    program({ type: 'ParticipantEnrolled', data: {
      programId, participantId: menteeId, personId: menteeId, role: 'mentee', displayName: `Executive ${index}`, email: `exec.${index}@acme.example`,
      seniority: 9, department: 'Board', skills: ['negotiation'], interests: ['AI assistants'], enrolledOn: day(-5),
    } }, 1);
    program({ type: 'TrainingCompleted', data: { programId, participantId: mentorId, module: 'Mentoring 101', completedOn: day(-2) } }, 2);
  }
  program({ type: 'ProgramLaunched', data: { programId, launchedOn: day(0) } }, 3);
  for (const { pairId, mentorId, menteeId } of pairs) {
    program({ type: 'Paired', data: {
      programId, pairId, mentorId, menteeId, pairedBy: 'algorithm', matchScore: 0.82,
      rationale: `Interests meet skills ${PRIVATE_TEXT_MARKER}`, pairedOn: day(1),
    } }, 4);
    const pairStream = `pair-${pairId}`;
    const pair = (event: PairEvent, offset: number) => add(pairStream, event, offset);
    const objectiveId = randomUUID();
    pair({ type: 'ObjectiveSet', data: {
      programId, pairId, objectiveId, title: `Post weekly ${PRIVATE_TEXT_MARKER}`, area: 'social-media',
      successCriteria: 'Four posts in a month', targetDate: day(120), baselineLevel: 2, targetLevel: 6, setOn: day(2),
    } }, 5);
    for (let session = 0; session < shape.sessionsPerPair; session++) {
      const sessionId = randomUUID();
      const heldOn = day(3 + (session % 170));
      pair({ type: 'SessionHeld', data: {
        programId, pairId, sessionId, heldOn, durationMinutes: 45, format: session % 2 ? 'video' : 'in-person',
        topics: ['prompting', 'personal brand'], insights: `Short posts work ${PRIVATE_TEXT_MARKER}`,
        actionItems: [{ description: `Draft a post ${PRIVATE_TEXT_MARKER}`, owner: 'mentee', dueOn: day(10 + (session % 160)) }],
        confidentialNotes: `Mentee is anxious about the reorg ${CONFIDENTIAL_NOTE_MARKER}`, loggedOn: heldOn,
      } }, 6 + (session % 50));
      pair({ type: 'FeedbackGiven', data: {
        programId, pairId, feedbackId: randomUUID(), sessionId, fromRole: session % 2 ? 'mentor' : 'mentee',
        givenBy: session % 2 ? mentorId : menteeId, rating: 1 + (session % 5),
        comment: `Honest words about my mentor ${FEEDBACK_COMMENT_MARKER}`, fit: 'good', givenOn: heldOn,
      } }, 6 + (session % 50));
    }
    pair({ type: 'ObjectiveProgressRecorded', data: {
      programId, pairId, objectiveId, level: 4, note: `Halfway ${PRIVATE_TEXT_MARKER}`, recordedOn: day(60),
    } }, 7);
    pair({ type: 'ObjectiveAchieved', data: { programId, pairId, objectiveId, finalLevel: 7, achievedOn: day(90) } }, 8);
  }
  return { programId, streams };
}

/**
 * Appends several programs' lives with their streams interleaved (as concurrent users would), a program's own
 * stream first; `chunk` events per append. Returns the events in the order they were appended.
 */
export async function appendLives(
  store: EventStore,
  lives: readonly { streams: Map<string, ScriptedEvent[]> }[],
  chunk = 25,
): Promise<ScriptedEvent[]> {
  const appended: ScriptedEvent[] = [];
  const queues = lives.flatMap((life) => [...life.streams.values()].map((events) => [...events]));
  // Program streams first: pair events refer to pairs the program stream created.
  queues.sort((a, b) => Number(b[0].streamName.startsWith('program-')) - Number(a[0].streamName.startsWith('program-')));
  const programQueues = queues.filter((queue) => queue[0].streamName.startsWith('program-'));
  const pairQueues = queues.filter((queue) => !queue[0].streamName.startsWith('program-'));
  for (const group of [programQueues, pairQueues]) {
    while (group.some((queue) => queue.length > 0)) {
      for (const queue of group) {
        const slice = queue.splice(0, chunk);
        if (slice.length === 0) continue;
        await store.append(slice[0].streamName, slice.map((scripted) => scripted.event), 'any');
        appended.push(...slice);
      }
    }
  }
  return appended;
}

/** An event type this version of Flipside does not know, as a later version might store it. */
export function futureEvent(programId: string, organizationId = 'org-future'): ScriptedEvent {
  const id = randomUUID();
  return {
    streamName: `program-${programId}`,
    programId,
    event: {
      id,
      type: 'MentorshipBadgeAwarded',
      data: { programId, participantId: 'emp-1', badge: 'first-session' },
      metadata: { eventId: id, ...metadataFor(organizationId, new Date().toISOString(), randomUUID()) },
    },
  };
}
