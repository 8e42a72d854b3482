import { EVENT_SCHEMA_VERSION } from './event-schemas';
import { eventSchemaErrors } from './testing/event-contract';
import { sampleEventsV1 } from './testing/sample-events';
import { upcastEventData } from './upcasting';

const v1Samples = sampleEventsV1();

describe('upcastEventData', () => {
  it('works on v1 samples that match the v1 schemas', () => {
    expect(v1Samples.flatMap((event) => eventSchemaErrors(event, 1).map((error) => `${event.type}: ${error}`))).toEqual([]);
  });

  it.each(v1Samples.map((event, index) => [`${index} ${event.type}`, event] as const))(
    'brings a v1 event to a valid v2 event: %s',
    (_name, event) => {
      const data = upcastEventData(event.type, 1, event.data);
      expect(eventSchemaErrors({ type: event.type, data })).toEqual([]);
    },
  );

  it('gives a v1 participant their participant id as person id (old tokens carried it as sub)', () => {
    const enrolled = v1Samples.find((event) => event.type === 'ParticipantEnrolled');
    if (!enrolled) throw new Error('no ParticipantEnrolled sample');
    expect(upcastEventData('ParticipantEnrolled', 1, enrolled.data)).toEqual({
      ...enrolled.data,
      personId: enrolled.data.participantId,
    });
  });

  it('reads a missing version as 1', () => {
    expect(upcastEventData('ParticipantEnrolled', undefined, { participantId: 'p-1' })).toEqual({ participantId: 'p-1', personId: 'p-1' });
  });

  it('returns the same data, untouched, when nothing changes', () => {
    const data = { programId: 'p', launchedOn: '2025-03-01' };
    expect(upcastEventData('ProgramLaunched', 1, data)).toBe(data);
    const current = { participantId: 'p-1', personId: 'E1' };
    expect(upcastEventData('ParticipantEnrolled', EVENT_SCHEMA_VERSION, current)).toBe(current);
  });

  it('does not change its input', () => {
    const data = Object.freeze({ participantId: 'p-1' });
    upcastEventData('ParticipantEnrolled', 1, data);
    expect(data).toEqual({ participantId: 'p-1' });
  });

  it.each([EVENT_SCHEMA_VERSION + 1, 0, 1.5])('refuses a version it does not know: %p', (version) => {
    expect(() => upcastEventData('Paired', version, {})).toThrow(`Cannot read a stored Paired event at schema version ${version}`);
  });
});
