import { randomUUID } from 'node:crypto';
import { EventToAppend } from '@flipside/event-store';
import { ApiHarness, examples, startApi } from './support/api-harness';
import { catchUpReadModels } from './support/read-models';

const ORG = 'legacy-org';
const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** An event as version 1 wrote it: plaintext personal fields, no personId, no hash, appended straight to the store. */
function v1(type: string, data: Record<string, unknown>): EventToAppend {
  const id = randomUUID();
  return {
    id,
    type,
    data,
    metadata: { eventId: id, schemaVersion: 1, occurredAt: new Date().toISOString(), organizationId: ORG, actor: { id: 'admin-0', roles: ['admin'] }, correlationId: id, causationId: id },
  };
}

describe('events of schema version 1, appended directly to the store, still load everywhere', () => {
  let api: ApiHarness | undefined;
  const programId = randomUUID();
  const mentorId = randomUUID();
  const menteeId = randomUUID();
  const admin = () => ({ Authorization: `Bearer ${api!.token({ org: ORG })}` });

  beforeAll(async () => {
    api = await startApi();
    if (!api) return;
    const enrolled = (participantId: string, role: string, displayName: string, seniority: number) =>
      v1('ParticipantEnrolled', {
        programId, participantId, role, displayName, email: `${displayName.split(' ')[0].toLowerCase()}@legacy.test`, seniority,
        department: 'Sales', skills: ['video'], interests: ['strategy'], ...(role === 'mentor' ? { capacity: 1 } : {}), enrolledOn: daysFromToday(-20),
      });
    await api.store.append(`program-${programId}`, [
      v1('ProgramCreated', {
        programId, organizationId: ORG, name: 'Legacy program', description: '', focusAreas: ['technology'], goals: ['Learn'],
        cadence: { sessionEveryDays: 14, minSessionMinutes: 30 }, startsOn: daysFromToday(-30), endsOn: daysFromToday(180),
        maxMenteesPerMentor: 1, pairingRule: 'reverse', createdOn: daysFromToday(-30),
      }),
      enrolled(mentorId, 'mentor', 'Lena Legacy', 2),
      enrolled(menteeId, 'mentee', 'Otto Oldform', 9),
      v1('ProgramLaunched', { programId, launchedOn: daysFromToday(-20) }),
    ], 'no_stream');
  });
  afterAll(async () => api?.close());

  it('decides on them (their person id is their participant id, as their old tokens say), reads them, and erases them', async () => {
    if (!api) return;
    const pair = await api.http().post(`/v1/programs/${programId}/pairs`).set(admin()).send({ mentorId, menteeId }).expect(201);
    // The old participant token carried the participant id as `sub`: it still speaks for the pair member.
    const mentorToken = { Authorization: `Bearer ${api.token({ org: ORG, sub: mentorId, roles: ['participant'] })}` };
    await api.http().post(`/v1/programs/${programId}/pairs/${pair.body.id}/sessions`).set(mentorToken).send(examples.session()).expect(201);
    // The same person enrolling again is refused: the v1 record counts as theirs.
    await api.http().post(`/v1/programs/${programId}/participants`).set(admin()).send(examples.mentor({ personId: mentorId })).expect(409);

    await catchUpReadModels(api);
    const participants = await api.http().get(`/v1/programs/${programId}/participants`).set(admin()).expect(200);
    expect(participants.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ participantId: mentorId, personId: mentorId, displayName: 'Lena Legacy', erased: false })]),
    );
    const mine = await api.http().get('/v1/me/pairs').set(mentorToken).expect(200);
    expect(mine.body.items.map((item: { pairId: string }) => item.pairId)).toEqual([pair.body.id]);

    // No person-directory row was ever written for them: the participants read model finds their program.
    const held = await api.http().get(`/v1/people/${mentorId}/personal-data`).set(admin()).expect(200);
    expect(held.body.programs).toEqual([expect.objectContaining({ programId, participant: expect.objectContaining({ displayName: 'Lena Legacy', erased: false }) })]);
    const erasure = await api.http().post(`/v1/people/${mentorId}/erasure`).set(admin()).expect(200);
    expect(erasure.body.programs).toEqual([{ programId, participantId: mentorId, recorded: true }]);
    const after = await api.http().get(`/v1/people/${mentorId}/personal-data`).set(admin()).expect(200);
    expect(after.body.programs[0].participant).toMatchObject({ displayName: null, email: null, erased: true });
    // No key can shred plaintext: the read models let go of the erased person's v1 name and e-mail themselves.
    await catchUpReadModels(api);
    const pairView = await api.http().get(`/v1/programs/${programId}/pairs/${pair.body.id}`).set(admin()).expect(200);
    expect(pairView.body).toMatchObject({ mentor: { displayName: null, erased: true }, mentee: { displayName: 'Otto Oldform', erased: false } });
    const erasedView = await api.http().get(`/v1/programs/${programId}/participants`).set(admin()).expect(200);
    expect(JSON.stringify(erasedView.body)).not.toContain('Lena Legacy');
    expect(JSON.stringify(erasedView.body)).not.toContain('lena@legacy.test');

    const types = (await api.allEvents()).map((event) => `${event.type}@v${event.metadata.schemaVersion}`);
    expect(types).toEqual(expect.arrayContaining(['ParticipantEnrolled@v1', 'Paired@v2', 'SessionHeld@v2', 'PersonErased@v2']));
  });
});
