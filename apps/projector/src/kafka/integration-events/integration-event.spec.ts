import { randomUUID } from 'node:crypto';
import { DomainEvent, EVENT_SCHEMA_VERSION, EVENT_TYPES, personalDataFields } from '@flipside/domain';
import { eventSchemaErrors } from '@flipside/domain/testing';
import { sampleEvents } from '@flipside/domain/testing/sample-events';
import { JsonObject, RecordedEvent } from '@flipside/event-store';
import { mapAt } from '@flipside/personal-data';
import { IntegrationContract, leaks, toCloudEvent } from '../../../test/support/integration-contract';
import { futureEvent, programLife } from '../../../test/support/mentorship-events';
import { NOT_PUBLISHED, PUBLISHED_TYPES, toIntegrationEvent } from './integration-event';
import { POSITION_EXTENSION, toKafkaMessage } from './kafka-message';

let sequence = 0n;
function recorded(event: { type: string; data: object }, metadata: JsonObject = {}, id = randomUUID()): RecordedEvent {
  sequence++;
  return {
    id,
    type: event.type,
    streamName: 'irrelevant-here',
    revision: 0n,
    position: { commit: 9000n + sequence, prepare: sequence },
    data: event.data as JsonObject,
    metadata: { eventId: id, schemaVersion: 1, occurredAt: '2025-03-04T10:15:00.000Z', organizationId: 'acme', ...metadata },
    recordedAt: new Date('2025-03-04T10:15:00.123Z'),
  };
}

function published(event: RecordedEvent) {
  const translation = toIntegrationEvent(event);
  if (!translation.publish) throw new Error(`${event.type} was skipped: ${translation.reason}`);
  return translation.event;
}

function payloadOf(event: { type: DomainEvent['type']; data: object }): Record<string, unknown> {
  return published(recorded(event)).data as Record<string, unknown>;
}

const isPublished = (event: { type: string }) => !Object.hasOwn(NOT_PUBLISHED, event.type);

type EventOf<Type extends DomainEvent['type']> = Extract<DomainEvent, { type: Type }>;

/** The first event of the type (that `where` accepts) in a program played through the real deciders. */
function sample<Type extends DomainEvent['type']>(type: Type, where: (event: EventOf<Type>) => boolean = () => true): EventOf<Type> {
  const found = sampleEvents().find((event): event is EventOf<Type> => event.type === type && where(event as EventOf<Type>));
  if (!found) throw new Error(`sampleEvents() has no ${type} of that kind`);
  return found;
}

describe('integration events: the public form of stored events', () => {
  let contract: IntegrationContract;
  beforeAll(async () => {
    contract = await IntegrationContract.load();
  });

  it('gives every stored event type a documented CloudEvents type or a stated reason to stay off Kafka, and documents no other', () => {
    const published = Object.keys(PUBLISHED_TYPES);
    const withheld = Object.keys(NOT_PUBLISHED);
    expect(published.filter((type) => withheld.includes(type))).toEqual([]);
    expect([...published, ...withheld].sort()).toEqual([...EVENT_TYPES].sort());
    for (const reason of Object.values(NOT_PUBLISHED)) expect(reason).toMatch(/ is not published: .{20,}/);
    expect(contract.typesOn(contract.channelAddress).sort()).toEqual(Object.values(PUBLISHED_TYPES).sort());
  });

  it('turns a whole program played through the real deciders into records that keep docs/asyncapi.yaml', () => {
    const events = sampleEvents().filter(isPublished);
    const records = events.map((event) => toKafkaMessage(published(recorded(event))));
    contract.assertKeptBy(records);
    expect(new Set(records.map((record) => record.headers.ce_type)).size).toBe(Object.keys(PUBLISHED_TYPES).length);
  });

  it('publishes no private text, e-mail, confidential note or feedback comment', () => {
    const life = programLife({ pairs: 2, sessionsPerPair: 3 });
    const stored = [...life.streams.values()].flat();
    for (const scripted of stored) expect(eventSchemaErrors(scripted.event)).toEqual([]);
    const records = stored.map((scripted) => toKafkaMessage(published(recorded(scripted.event, scripted.event.metadata))));
    expect(records.flatMap(leaks)).toEqual([]);
    contract.assertKeptBy(records);
  });

  it('forwards no personal field, encrypted or not: every x-personal-data value stays out of every record', () => {
    let planted = 0;
    const records = sampleEvents().filter(isPublished).map((event) => {
      let data = event.data as unknown as Record<string, unknown>;
      for (const field of personalDataFields(event.type)) {
        data = mapAt(data, field.path, () => `pd1:00000000-0000-4000-8000-${String(++planted).padStart(12, '0')}:UExBTlRFRA==`);
      }
      return toKafkaMessage(published(recorded({ type: event.type, data }, { schemaVersion: EVENT_SCHEMA_VERSION })));
    });
    expect(planted).toBeGreaterThan(10);
    for (const record of records) expect(record.value).not.toContain('pd1:');
    contract.assertKeptBy(records);
  });

  it('tells subscribers a person was erased with ids only: person-erased.v1', () => {
    const erased = { type: 'PersonErased', data: { programId: 'p-1', participantId: 'emp-7', personId: 'emp-7', erasedOn: '2025-05-02' } };
    const event = published(recorded(erased, { schemaVersion: EVENT_SCHEMA_VERSION }));
    expect(event).toMatchObject({ type: 'dev.flipside.mentorship.person-erased.v1', subject: 'participants/emp-7' });
    expect(event.data).toEqual(erased.data);
    contract.assertKeptBy([toKafkaMessage(event)]);
  });

  it('maps the CloudEvents attributes: id, source, subject, time, position, key', () => {
    const event = recorded(
      { type: 'SessionHeld', data: sampleEvents().find((e) => e.type === 'SessionHeld')?.data ?? {} },
      { organizationId: 'org-1', occurredAt: '2025-03-04T11:15:00+01:00' },
    );
    const record = toKafkaMessage(published(event));
    expect(record.key).toBe('sample-program');
    expect(record.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: '/organizations/org-1/programs/sample-program',
      ce_type: 'dev.flipside.mentorship.session-held.v1',
      ce_subject: 'pairs/pair-1/sessions/session-1',
      ce_time: '2025-03-04T10:15:00.000Z',
      [`ce_${POSITION_EXTENSION}`]: `${event.position.commit}/${event.position.prepare}`,
      'content-type': 'application/json',
    });
    const cloudEvent = toCloudEvent(record);
    expect(cloudEvent.type).toBe('dev.flipside.mentorship.session-held.v1');
    expect(cloudEvent[POSITION_EXTENSION]).toBe(record.headers.ce_flipsideposition);
    expect(POSITION_EXTENSION).toMatch(/^[a-z0-9]{1,20}$/);
  });

  it.each([
    ['ProgramCreated', 'programs/sample-program'],
    ['ParticipantEnrolled', 'participants/mentor-1'],
    ['Paired', 'pairs/pair-1'],
    ['ObjectiveSet', 'pairs/pair-1/objectives/objective-1'],
    ['FeedbackGiven', 'pairs/pair-1/feedback/feedback-1'],
  ])('gives %s the subject %s', (type, subject) => {
    const event = sampleEvents().find((e) => e.type === type);
    expect(event).toBeDefined();
    expect(published(recorded(event as DomainEvent)).subject).toBe(subject);
  });

  it('takes a pair event’s organization from the metadata, as pair events do not carry it in their data', () => {
    const pairEvent = sampleEvents().find((e) => e.type === 'FeedbackGiven') as DomainEvent;
    expect(published(recorded(pairEvent, { organizationId: 'globex' })).source).toBe('/organizations/globex/programs/sample-program');
  });

  it('says exactly what a session, a feedback and an enrolment publish', () => {
    const session = sampleEvents().find((e) => e.type === 'SessionHeld') as DomainEvent;
    expect(payloadOf(session)).toEqual({
      programId: 'sample-program', pairId: 'pair-1', sessionId: 'session-1', heldOn: '2025-03-04', durationMinutes: 60,
      format: 'in-person', topics: ['prompts'], actionItemCount: 1, loggedOn: '2025-03-04',
    });
    const feedback = sampleEvents().find((e) => e.type === 'FeedbackGiven') as DomainEvent;
    expect(payloadOf(feedback)).toEqual({
      programId: 'sample-program', pairId: 'pair-1', feedbackId: 'feedback-1', sessionId: 'session-1', fromRole: 'mentee',
      rating: 5, fit: 'good', givenOn: '2025-03-05',
    });
    const enrolment = sampleEvents().find((e) => e.type === 'ParticipantEnrolled') as DomainEvent;
    expect(payloadOf(enrolment)).toEqual({
      programId: 'sample-program', participantId: 'mentor-1', role: 'mentor', seniority: 2, department: 'Somewhere',
      skills: ['something'], interests: ['anything'], capacity: 2, enrolledOn: '2025-02-21',
    });
  });

  describe('the engagement automation’s events: ids, dates, days and switches, nothing else', () => {
    it.each([
      [
        'EngagementPolicySet',
        'engagement-policy-set',
        'programs/sample-program/engagement-policy',
        {
          programId: 'sample-program',
          policy: {
            firstSessionWithinDays: 14, checkInAfterDays: 14, stalledAfterDays: 28, autoEndAfterDays: null, warnDaysBefore: 7,
            feedbackDueDays: 3, closeProgramAtEnd: true,
          },
          setOn: '2025-02-20',
        },
      ],
      ['PairFlagged', 'pair-flagged', 'pairs/pair-1', { programId: 'sample-program', pairId: 'pair-1', flag: 'check-in-due', since: '2025-04-01' }],
      ['PairEndingWarned', 'pair-ending-warned', 'pairs/pair-1', { programId: 'sample-program', pairId: 'pair-1', endsOn: '2025-05-17' }],
      [
        'FeedbackRequested',
        'feedback-requested',
        'pairs/pair-1/sessions/session-2',
        { programId: 'sample-program', pairId: 'pair-1', sessionId: 'session-2', fromRole: 'mentee' },
      ],
    ] as const)('publishes %s as %s.v1 about %s, with exactly this payload', (type, name, subject, payload) => {
      // The first of its kind; for the policy, the one set with the program: defaults (cadence 14 days), never ending pairs.
      const event = published(recorded(sample(type), { schemaVersion: EVENT_SCHEMA_VERSION }));
      expect(event).toMatchObject({ type: `dev.flipside.mentorship.${name}.v1`, subject, source: '/organizations/acme/programs/sample-program' });
      expect(event.data).toEqual(payload);
      contract.assertKeptBy([toKafkaMessage(event)]);
    });

    it('publishes a policy set later whole, not only the figures that changed', () => {
      const later = published(recorded(sample('EngagementPolicySet', (e) => e.data.setOn === '2025-02-22')));
      expect(later.data).toEqual({
        programId: 'sample-program',
        policy: {
          firstSessionWithinDays: 10, checkInAfterDays: 14, stalledAfterDays: 28, autoEndAfterDays: 60, warnDaysBefore: 7,
          feedbackDueDays: 3, closeProgramAtEnd: false,
        },
        setOn: '2025-02-22',
      });
      contract.assertKeptBy([toKafkaMessage(later)]);
    });

    it('publishes a pair the automation ended as pair-ended.v1 with the reason inactive', () => {
      const ended = published(recorded(sample('PairEnded', (e) => e.data.reason === 'inactive')));
      expect(ended.type).toBe('dev.flipside.mentorship.pair-ended.v1');
      expect(ended.data).toEqual({ programId: 'sample-program', pairId: 'pair-4', reason: 'inactive', endedOn: '2025-05-05' });
      contract.assertKeptBy([toKafkaMessage(ended)]);
    });

    it('names no actor: who recorded an event (a person or system:engagement) never reaches Kafka', () => {
      const actors = [
        { id: 'system:engagement', roles: ['system'] },
        { id: 'emp-admin-42', roles: ['admin'] },
      ];
      for (const actor of actors) {
        for (const type of ['PairFlagged', 'PairEndingWarned', 'FeedbackRequested', 'EngagementPolicySet', 'PairEnded'] as const) {
          const record = toKafkaMessage(published(recorded(sample(type), { actor, command: 'FlagPair' })));
          expect(JSON.stringify(record)).not.toContain(actor.id);
          expect(JSON.stringify(record)).not.toContain('FlagPair');
        }
      }
    });
  });

  it('keeps PairClosed, the pair stream’s fence, off Kafka with its reason, and still publishes the PairEnded it precedes', () => {
    const fence = sample('PairClosed');
    expect(toIntegrationEvent(recorded(fence, { schemaVersion: EVENT_SCHEMA_VERSION }))).toEqual({
      publish: false,
      reason: NOT_PUBLISHED.PairClosed,
      // Never published by design: the publisher notes it quietly, unlike an unknown type.
      byDesign: true,
    });
    expect(NOT_PUBLISHED.PairClosed).toContain('pair-ended.v1');
    const ended = published(recorded(sample('PairEnded', (e) => e.data.pairId === fence.data.pairId && e.data.reason === fence.data.reason)));
    expect(ended).toMatchObject({ type: 'dev.flipside.mentorship.pair-ended.v1', subject: `pairs/${fence.data.pairId}` });
    expect(ended.data).toEqual({ programId: 'sample-program', pairId: 'pair-1', reason: 'program-closed', endedOn: fence.data.closedOn });
    contract.assertKeptBy([toKafkaMessage(ended)]);
  });

  it('skips what it does not know, so later event types and versions never stop publishing', () => {
    expect(toIntegrationEvent(recorded(futureEvent('p-1').event))).toEqual({
      publish: false,
      reason: 'unknown event type MentorshipBadgeAwarded',
    });
    const launched = { type: 'ProgramLaunched', data: { programId: 'p-1', launchedOn: '2025-03-01' } };
    expect(toIntegrationEvent(recorded(launched, { schemaVersion: EVENT_SCHEMA_VERSION + 1 }))).toMatchObject({ publish: false });
    // Versions up to the current one reach the translation upcast (the projector's gate): they publish.
    expect(toIntegrationEvent(recorded(launched, { schemaVersion: EVENT_SCHEMA_VERSION }))).toMatchObject({ publish: true });
    expect(toIntegrationEvent(recorded(launched, { organizationId: undefined }))).toMatchObject({ publish: false });
    expect(toIntegrationEvent(recorded({ type: 'SessionHeld', data: { programId: 'p-1', pairId: 'x' } }))).toMatchObject({
      publish: false,
    });
  });

  it('falls back to the recording time when the metadata has no occurredAt', () => {
    const launched = { type: 'ProgramLaunched', data: { programId: 'p-1', launchedOn: '2025-03-01' } };
    expect(published(recorded(launched, { occurredAt: undefined })).time).toBe('2025-03-04T10:15:00.123Z');
  });
});
