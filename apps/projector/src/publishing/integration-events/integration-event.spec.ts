import { randomUUID } from 'node:crypto';
import { DomainEvent, EVENT_SCHEMA_VERSION, EVENT_TYPES, personalDataFields } from '@flipside/domain';
import { eventSchemaErrors } from '@flipside/domain/testing';
import { sampleEvents } from '@flipside/domain/testing/sample-events';
import { JsonObject, RecordedEvent } from '@flipside/event-store';
import { mapAt } from '@flipside/personal-data';
import { IntegrationContract, leaks, toCloudEvent } from '../../../test/support/integration-contract';
import { futureEvent, programLife } from '../../../test/support/mentorship-events';
import { PUBLISHED_TYPES, toIntegrationEvent } from './integration-event';
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

describe('integration events: the public form of stored events', () => {
  let contract: IntegrationContract;
  beforeAll(async () => {
    contract = await IntegrationContract.load();
  });

  it('has a documented CloudEvents type for every stored event type, and documents no other', () => {
    expect(Object.keys(PUBLISHED_TYPES).sort()).toEqual([...EVENT_TYPES].sort());
    expect(contract.typesOn(contract.channelAddress).sort()).toEqual(Object.values(PUBLISHED_TYPES).sort());
  });

  it('turns a whole program played through the real deciders into records that keep docs/asyncapi.yaml', () => {
    const events = sampleEvents();
    const records = events.map((event) => toKafkaMessage(published(recorded(event))));
    contract.assertKeptBy(records);
    expect(new Set(records.map((record) => record.headers.ce_type)).size).toBe(EVENT_TYPES.length);
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
    const records = sampleEvents().map((event) => {
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
