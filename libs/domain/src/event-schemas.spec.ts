import { readdirSync } from 'fs';
import { join } from 'path';
import {
  EVENT_SCHEMA_VERSION,
  EVENT_TYPES,
  eventSchemaFileName,
  isDomainEventType,
  loadEventSchema,
  PAIR_EVENT_TYPES,
  PROGRAM_EVENT_TYPES,
} from './event-schemas';
import { assertMatchesEventSchema, eventSchemaErrors } from './testing/event-contract';
import { sampleEvents } from './testing/sample-events';
import { LIMITS } from './vocabulary';

const SCHEMA_DIRECTORY = join(__dirname, 'schemas');
const samples = sampleEvents();

describe('event schemas', () => {
  it('list every event type of both streams, once', () => {
    expect([...EVENT_TYPES].sort()).toEqual([...PROGRAM_EVENT_TYPES, ...PAIR_EVENT_TYPES].sort());
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
  });

  it('have one file per event type, and no file without an event type', () => {
    const files = readdirSync(SCHEMA_DIRECTORY).filter((file) => file.endsWith('.json')).sort();
    expect(files).toEqual(EVENT_TYPES.map((type) => eventSchemaFileName(type)).sort());
  });

  it.each(EVENT_TYPES.map((type) => [type]))('%s: a draft 2020-12 schema of a closed object, at the current version', (type) => {
    const schema = loadEventSchema(type);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`urn:flipside:event:${type}:v${EVENT_SCHEMA_VERSION}`);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
  });

  it('recognise only known event types', () => {
    expect(isDomainEventType('Paired')).toBe(true);
    expect(isDomainEventType('toString')).toBe(false);
    expect(eventSchemaErrors({ type: 'PairFormed', data: {} })).toEqual(["no schema for event type 'PairFormed'"]);
  });
});

describe('events produced by the deciders', () => {
  it('include every event type (a program played from creation to close)', () => {
    expect([...new Set(samples.map((event) => event.type))].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(samples.map((event, index) => [`${index} ${event.type}`, event] as const))(
    'match their schema: %s',
    (_name, event) => {
      assertMatchesEventSchema(event);
    },
  );

  it('include the optional fields at least once and leave them out at least once', () => {
    const optional: Array<[string, string]> = [
      ['ParticipantEnrolled', 'managerId'],
      ['ParticipantEnrolled', 'capacity'],
      ['Paired', 'matchScore'],
      ['Paired', 'rationale'],
      ['SessionHeld', 'confidentialNotes'],
      ['FeedbackGiven', 'sessionId'],
    ];
    for (const [type, field] of optional) {
      const ofType = samples.filter((event) => event.type === type);
      expect({ type, field, present: ofType.some((event) => field in event.data) }).toEqual({ type, field, present: true });
      expect({ type, field, absent: ofType.some((event) => !(field in event.data)) }).toEqual({ type, field, absent: true });
    }
  });
});

describe('the schemas refuse what the code never writes', () => {
  const paired = samples.find((event) => event.type === 'Paired');
  if (!paired) throw new Error('no Paired sample');

  it('an unknown property', () => {
    expect(eventSchemaErrors({ type: 'Paired', data: { ...paired.data, mood: 'happy' } })).toEqual([
      'data must NOT have additional properties (additionalProperty: "mood")',
    ]);
  });

  it('a missing required property', () => {
    const { pairedOn: _dropped, ...rest } = paired.data;
    expect(eventSchemaErrors({ type: 'Paired', data: rest })).toEqual([
      "data must have required property 'pairedOn' (missingProperty: \"pairedOn\")",
    ]);
  });

  it('a date that is not a calendar day', () => {
    expect(eventSchemaErrors({ type: 'Paired', data: { ...paired.data, pairedOn: '2025-02-30' } })).toEqual([
      'data/pairedOn must match format "date" (format: "date")',
    ]);
  });
});

describe('the schemas agree with LIMITS', () => {
  const at = (type: (typeof EVENT_TYPES)[number], pointer: string): unknown =>
    pointer
      .split('/')
      .filter(Boolean)
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], loadEventSchema(type));

  const bounds: Array<[(typeof EVENT_TYPES)[number], string, number]> = [
    ['ProgramCreated', '/properties/name/maxLength', LIMITS.programName.maxLength],
    ['ProgramCreated', '/properties/description/maxLength', LIMITS.programDescription.maxLength],
    ['ProgramCreated', '/properties/goals/maxItems', LIMITS.goalsPerProgram.max],
    ['ProgramCreated', '/properties/goals/items/maxLength', LIMITS.goal.maxLength],
    ['ProgramCreated', '/properties/cadence/properties/sessionEveryDays/maximum', LIMITS.sessionEveryDays.max],
    ['ProgramCreated', '/properties/cadence/properties/minSessionMinutes/minimum', LIMITS.minSessionMinutes.min],
    ['ProgramCreated', '/properties/cadence/properties/minSessionMinutes/maximum', LIMITS.minSessionMinutes.max],
    ['ProgramCreated', '/properties/maxMenteesPerMentor/maximum', LIMITS.maxMenteesPerMentor.max],
    ['ProgramClosed', '/properties/outcome/maxLength', LIMITS.programOutcome.maxLength],
    ['ParticipantEnrolled', '/properties/seniority/minimum', LIMITS.seniority.min],
    ['ParticipantEnrolled', '/properties/seniority/maximum', LIMITS.seniority.max],
    ['ParticipantEnrolled', '/properties/displayName/maxLength', LIMITS.displayName.maxLength],
    ['ParticipantEnrolled', '/properties/email/maxLength', LIMITS.email.maxLength],
    ['ParticipantEnrolled', '/properties/skills/maxItems', LIMITS.skillsPerParticipant.max],
    ['ParticipantEnrolled', '/properties/skills/items/maxLength', LIMITS.skillOrInterest.maxLength],
    ['ParticipantEnrolled', '/properties/capacity/maximum', LIMITS.maxMenteesPerMentor.max],
    ['ParticipantWithdrawn', '/properties/reason/maxLength', LIMITS.withdrawalReason.maxLength],
    ['TrainingCompleted', '/properties/module/maxLength', LIMITS.trainingModule.maxLength],
    ['Paired', '/properties/rationale/maxLength', LIMITS.pairingRationale.maxLength],
    ['PairEnded', '/properties/note/maxLength', LIMITS.pairEndNote.maxLength],
    ['ObjectiveSet', '/properties/title/maxLength', LIMITS.objectiveTitle.maxLength],
    ['ObjectiveSet', '/properties/successCriteria/maxLength', LIMITS.successCriteria.maxLength],
    ['ObjectiveSet', '/properties/targetLevel/maximum', LIMITS.level.max],
    ['ObjectiveProgressRecorded', '/properties/note/maxLength', LIMITS.progressNote.maxLength],
    ['ObjectiveDropped', '/properties/reason/maxLength', LIMITS.dropReason.maxLength],
    ['SessionHeld', '/properties/durationMinutes/minimum', LIMITS.durationMinutes.min],
    ['SessionHeld', '/properties/durationMinutes/maximum', LIMITS.durationMinutes.max],
    ['SessionHeld', '/properties/topics/maxItems', LIMITS.topicsPerSession.max],
    ['SessionHeld', '/properties/insights/maxLength', LIMITS.insights.maxLength],
    ['SessionHeld', '/properties/actionItems/maxItems', LIMITS.actionItemsPerSession.max],
    ['SessionHeld', '/properties/actionItems/items/properties/description/maxLength', LIMITS.actionItemDescription.maxLength],
    ['SessionHeld', '/properties/confidentialNotes/maxLength', LIMITS.confidentialNotes.maxLength],
    ['FeedbackGiven', '/properties/rating/maximum', LIMITS.rating.max],
    ['FeedbackGiven', '/properties/comment/maxLength', LIMITS.feedbackComment.maxLength],
    ['FeedbackGiven', '/properties/feedbackId/maxLength', LIMITS.id.maxLength],
  ];
  it.each(bounds)('%s %s is %d', (type, pointer, expected) => {
    expect(at(type, pointer)).toBe(expected);
  });
});
