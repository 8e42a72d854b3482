import { readdirSync } from 'fs';
import { join } from 'path';
import {
  EVENT_SCHEMA_VERSION,
  EVENT_TYPES,
  EVENT_TYPES_NEW_IN_V2,
  eventSchemaFileName,
  eventSchemaVersions,
  isDomainEventType,
  loadEventSchema,
  PAIR_EVENT_TYPES,
  PROGRAM_EVENT_TYPES,
} from './event-schemas';
import { assertMatchesEventSchema, eventSchemaErrors } from './testing/event-contract';
import { sampleEvents } from './testing/sample-events';
import { LIMITS, PAIR_END_REASONS, PAIR_FLAGS, PARTICIPANT_ROLES } from './vocabulary';

const SCHEMA_DIRECTORY = join(__dirname, 'schemas');
const samples = sampleEvents();

describe('event schemas', () => {
  it('list every event type of both streams, once', () => {
    expect([...EVENT_TYPES].sort()).toEqual([...PROGRAM_EVENT_TYPES, ...PAIR_EVENT_TYPES].sort());
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
  });

  it('have one file per event type, and no file without an event type', () => {
    const files = readdirSync(SCHEMA_DIRECTORY).filter((file) => file.endsWith('.json')).sort();
    const expected = EVENT_TYPES.flatMap((type) => eventSchemaVersions(type).map((version) => eventSchemaFileName(type, version)));
    expect(files).toEqual(expected.sort());
  });

  it('keep v1 for every type but those new in v2, and v2 for every type', () => {
    expect(EVENT_TYPES.filter((type) => eventSchemaVersions(type).join() !== '1,2').sort()).toEqual([...EVENT_TYPES_NEW_IN_V2].sort());
    expect(EVENT_TYPES_NEW_IN_V2.map(eventSchemaVersions)).toEqual(EVENT_TYPES_NEW_IN_V2.map(() => [2]));
    expect([...EVENT_TYPES_NEW_IN_V2].sort()).toEqual(
      ['EngagementPolicySet', 'FeedbackRequested', 'PairClosed', 'PairEndingWarned', 'PairFlagged', 'PersonErased'],
    );
    expect(loadEventSchema('Paired', 1).$id).toBe('urn:flipside:event:Paired:v1');
    expect(() => loadEventSchema('PersonErased', 1)).toThrow("no schema for event type 'PersonErased' at version 1");
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
  // A personal field's plaintext constraints sit in its first anyOf branch (the second is the ciphertext).
  const step = (node: unknown, key: string): unknown => {
    const schema = node as Record<string, unknown> | undefined;
    if (schema && !(key in schema) && Array.isArray(schema.anyOf)) return (schema.anyOf[0] as Record<string, unknown>)[key];
    return schema?.[key];
  };
  const at = (type: (typeof EVENT_TYPES)[number], pointer: string): unknown =>
    pointer.split('/').filter(Boolean).reduce<unknown>(step, loadEventSchema(type));

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
    ['ParticipantEnrolled', '/properties/personId/maxLength', LIMITS.personId.maxLength],
    ['ParticipantEnrolled', '/properties/managerId/maxLength', LIMITS.personId.maxLength],
    ['PersonErased', '/properties/personId/maxLength', LIMITS.personId.maxLength],
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
    ['EngagementPolicySet', '/properties/policy/properties/firstSessionWithinDays/minimum', LIMITS.firstSessionWithinDays.min],
    ['EngagementPolicySet', '/properties/policy/properties/firstSessionWithinDays/maximum', LIMITS.firstSessionWithinDays.max],
    ['EngagementPolicySet', '/properties/policy/properties/checkInAfterDays/minimum', LIMITS.checkInAfterDays.min],
    ['EngagementPolicySet', '/properties/policy/properties/checkInAfterDays/maximum', LIMITS.checkInAfterDays.max],
    ['EngagementPolicySet', '/properties/policy/properties/stalledAfterDays/minimum', LIMITS.stalledAfterDays.min],
    ['EngagementPolicySet', '/properties/policy/properties/stalledAfterDays/maximum', LIMITS.stalledAfterDays.max],
    ['EngagementPolicySet', '/properties/policy/properties/autoEndAfterDays/minimum', LIMITS.autoEndAfterDays.min],
    ['EngagementPolicySet', '/properties/policy/properties/autoEndAfterDays/maximum', LIMITS.autoEndAfterDays.max],
    ['EngagementPolicySet', '/properties/policy/properties/warnDaysBefore/minimum', LIMITS.warnDaysBefore.min],
    ['EngagementPolicySet', '/properties/policy/properties/warnDaysBefore/maximum', LIMITS.warnDaysBefore.max],
    ['EngagementPolicySet', '/properties/policy/properties/feedbackDueDays/minimum', LIMITS.feedbackDueDays.min],
    ['EngagementPolicySet', '/properties/policy/properties/feedbackDueDays/maximum', LIMITS.feedbackDueDays.max],
  ];
  it.each(bounds)('%s %s is %d', (type, pointer, expected) => {
    expect(at(type, pointer)).toBe(expected);
  });
});

describe('the person id format', () => {
  it.each([
    ['ParticipantEnrolled', '/properties/personId/pattern'],
    ['ParticipantEnrolled', '/properties/managerId/pattern'],
    ['PersonErased', '/properties/personId/pattern'],
  ] as const)('%s %s is LIMITS.personId.pattern', (type, pointer) => {
    const [, , property, keyword] = pointer.split('/');
    const schema = loadEventSchema(type) as unknown as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties[property][keyword]).toBe(LIMITS.personId.pattern);
  });
});

describe('personal fields in v2 hold plaintext or ciphertext', () => {
  const ciphertext = 'pd1:0b6f1c1e-5a8e-4d7b-9a37-2f6a2c1d9e10:' + 'QUJD'.repeat(2000);
  const enrolled = samples.find((event) => event.type === 'ParticipantEnrolled');
  const session = samples.find((event) => event.type === 'SessionHeld' && event.data.actionItems.length > 0);
  if (!enrolled || !session || session.type !== 'SessionHeld') throw new Error('samples missing');

  it('accepts a ciphertext longer than the plaintext limit', () => {
    expect(eventSchemaErrors({ type: 'ParticipantEnrolled', data: { ...enrolled.data, displayName: ciphertext, email: ciphertext } })).toEqual([]);
    const items = session.data.actionItems.map((item) => ({ ...item, description: ciphertext }));
    expect(eventSchemaErrors({ type: 'SessionHeld', data: { ...session.data, insights: ciphertext, actionItems: items } })).toEqual([]);
  });

  it('still refuses a plaintext beyond its limit, and a malformed ciphertext', () => {
    expect(eventSchemaErrors({ type: 'ParticipantEnrolled', data: { ...enrolled.data, displayName: 'x'.repeat(121) } })).not.toEqual([]);
    expect(eventSchemaErrors({ type: 'ParticipantEnrolled', data: { ...enrolled.data, displayName: 'pd1:not-a-key:' + 'x'.repeat(200) } })).not.toEqual([]);
  });

  it('leave fields that are not personal as they were in v1 (no ciphertext there)', () => {
    expect(eventSchemaErrors({ type: 'ParticipantEnrolled', data: { ...enrolled.data, department: ciphertext } })).not.toEqual([]);
  });
});

describe('the engagement automation\'s schemas agree with the vocabulary', () => {
  const enumOf = (type: (typeof EVENT_TYPES)[number], property: string) =>
    (loadEventSchema(type) as unknown as { properties: Record<string, { enum?: unknown }> }).properties[property].enum;

  it('pair end reasons (PairEnded and PairClosed), pair flags and roles', () => {
    expect(enumOf('PairEnded', 'reason')).toEqual([...PAIR_END_REASONS]);
    expect(enumOf('PairClosed', 'reason')).toEqual([...PAIR_END_REASONS]);
    expect(enumOf('PairFlagged', 'flag')).toEqual([...PAIR_FLAGS]);
    expect(enumOf('FeedbackRequested', 'fromRole')).toEqual([...PARTICIPANT_ROLES]);
  });

  it('the samples hold a policy that never ends pairs (null) and one that does', () => {
    const ends = samples.flatMap((event) => (event.type === 'EngagementPolicySet' ? [event.data.policy.autoEndAfterDays] : []));
    expect(ends).toContain(null);
    expect(ends.some((days) => typeof days === 'number')).toBe(true);
  });

  it("refuses a policy missing a figure, or with autoEndAfterDays out of range", () => {
    const set = samples.find((event) => event.type === 'EngagementPolicySet');
    if (!set || set.type !== 'EngagementPolicySet') throw new Error('no EngagementPolicySet sample');
    const { warnDaysBefore: _dropped, ...partial } = set.data.policy;
    expect(eventSchemaErrors({ type: 'EngagementPolicySet', data: { ...set.data, policy: partial } })).not.toEqual([]);
    expect(eventSchemaErrors({ type: 'EngagementPolicySet', data: { ...set.data, policy: { ...set.data.policy, autoEndAfterDays: 0 } } })).not.toEqual([]);
  });
});
