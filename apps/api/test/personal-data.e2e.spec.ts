import { randomUUID } from 'node:crypto';
import { DomainEventType, isDomainEventType, pairDecider, pairStreamName, personalDataFields, programDecider, programStreamName } from '@flipside/domain';
import { RecordedEvent } from '@flipside/event-store';
import { valuesAt } from '@flipside/personal-data';
import { StreamStates } from '../src/streams/stream-states';
import { ApiHarness, examples, startApi } from './support/api-harness';

type Headers = Record<string, string>;
const CIPHERTEXT = /^pd1:[0-9a-f-]{36}:/;

/** Every string anywhere in a value, with its path. */
function stringsIn(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item) => stringsIn(item, `${path}[]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, path ? `${path}.${key}` : key));
  }
  return [];
}

describe('Personal data: encrypted at rest, erased by destroying keys, handed over on request', () => {
  let api: ApiHarness | undefined;
  let admin: Headers;
  const tag = randomUUID().slice(0, 8);
  const mentorPerson = `emp-mentor-${tag}`;
  const menteePerson = `emp-mentee-${tag}`;
  const texts = {
    mentorName: `Kavya Secret-${tag}`,
    menteeName: `Jack Secret-${tag}`,
    menteeEmail: `jack.${tag}@secret.example`,
    insights: `INSIGHT-${tag} short posts work`,
    notes: `NOTES-${tag} unsure about video`,
    title: `TITLE-${tag} publish on LinkedIn`,
    comment: `COMMENT-${tag} eye-opening`,
  };
  // Program A: running, with a pair's working life. Program B: the same mentee person, closed.
  const a = {} as { programId: string; mentorId: string; menteeId: string; pairId: string; sessionId: string; objectiveId: string };
  const b = {} as { programId: string; menteeId: string };

  const as = (roles: ('admin' | 'analyst' | 'auditor' | 'participant')[], sub = 'someone', org?: string): Headers => ({
    Authorization: `Bearer ${api!.token({ roles, sub, ...(org ? { org } : {}) })}`,
  });
  const post = (path: string, body: object = {}, headers: Headers = admin) => api!.http().post(path).set(headers).send(body);
  const notesPath = () => `/v1/programs/${a.programId}/pairs/${a.pairId}/sessions/${a.sessionId}/confidential-notes`;
  const eventsOf = async (programId: string) =>
    (await api!.allEvents()).filter((event) => event.data.programId === programId);

  beforeAll(async () => {
    api = await startApi();
    if (!api) return;
    admin = as(['admin'], 'admin-1');
    a.programId = (await post('/v1/programs', examples.program()).expect(201)).body.id;
    a.mentorId = (await post(`/v1/programs/${a.programId}/participants`, examples.mentor({ personId: mentorPerson, displayName: texts.mentorName })).expect(201)).body.id;
    // Upper case at the edge: stored, compared and signed in lower case.
    a.menteeId = (
      await post(`/v1/programs/${a.programId}/participants`, examples.mentee({ personId: menteePerson.toUpperCase(), displayName: texts.menteeName, email: texts.menteeEmail })).expect(201)
    ).body.id;
    await post(`/v1/programs/${a.programId}/launch`).expect(200);
    a.pairId = (await post(`/v1/programs/${a.programId}/pairs`, { mentorId: a.mentorId, menteeId: a.menteeId, rationale: `RATIONALE-${tag}` }).expect(201)).body.id;
    const pair = `/v1/programs/${a.programId}/pairs/${a.pairId}`;
    a.objectiveId = (await post(`${pair}/objectives`, examples.objective({ title: texts.title })).expect(201)).body.id;
    a.sessionId = (await post(`${pair}/sessions`, examples.session({ insights: texts.insights, confidentialNotes: texts.notes })).expect(201)).body.id;
    await post(`${pair}/feedback`, { sessionId: a.sessionId, fromRole: 'mentee', givenBy: a.menteeId, rating: 5, fit: 'good', comment: texts.comment }).expect(201);

    b.programId = (await post('/v1/programs', examples.program({ name: 'Second cohort' })).expect(201)).body.id;
    b.menteeId = (await post(`/v1/programs/${b.programId}/participants`, examples.mentee({ personId: menteePerson })).expect(201)).body.id;
    await post(`/v1/programs/${b.programId}/close`, { outcome: 'Cancelled' }).expect(200);
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('at rest', () => {
    it('stores no name, e-mail or free text in plaintext', async () => {
      if (!api) return;
      const stored = JSON.stringify((await api.allEvents()).map(({ type, data, metadata }) => ({ type, data, metadata })));
      for (const text of Object.values(texts)) expect(stored).not.toContain(text);
      expect(stored).not.toContain(`RATIONALE-${tag}`);
    });

    it('holds pd1: ciphertext in exactly the fields the schemas mark as personal data', async () => {
      if (!api) return;
      const events: RecordedEvent[] = [...(await eventsOf(a.programId)), ...(await eventsOf(b.programId))];
      const types = new Set<string>();
      for (const event of events) {
        const marked = isDomainEventType(event.type) ? personalDataFields(event.type as DomainEventType).map((field) => field.path) : [];
        for (const path of marked) {
          for (const value of valuesAt(event.data, path)) {
            expect({ type: event.type, path, encrypted: typeof value === 'string' && CIPHERTEXT.test(value) }).toEqual({ type: event.type, path, encrypted: true });
            types.add(event.type);
          }
        }
        for (const [path, value] of stringsIn(event.data)) {
          if (!marked.includes(path)) expect({ type: event.type, path, encrypted: CIPHERTEXT.test(value) }).toEqual({ type: event.type, path, encrypted: false });
        }
      }
      expect([...types].sort()).toEqual(['FeedbackGiven', 'ObjectiveSet', 'Paired', 'ParticipantEnrolled', 'SessionHeld']);
      const enrolled = events.find((event) => event.type === 'ParticipantEnrolled' && event.data.participantId === a.menteeId)!;
      expect(enrolled.data.personId).toBe(menteePerson);
      expect(enrolled.metadata.schemaVersion).toBe(2);
    });
  });

  describe('persons', () => {
    it('one person enrolled in two programs acts in both with one token', async () => {
      if (!api) return;
      const person = `emp-both-${tag}`;
      const token = as(['participant'], person.toUpperCase());
      for (let round = 0; round < 2; round += 1) {
        const programId = (await post('/v1/programs', examples.program()).expect(201)).body.id;
        const mentorId = (await post(`/v1/programs/${programId}/participants`, examples.mentor()).expect(201)).body.id;
        const menteeId = (await post(`/v1/programs/${programId}/participants`, examples.mentee({ personId: person })).expect(201)).body.id;
        await post(`/v1/programs/${programId}/launch`).expect(200);
        const pairId = (await post(`/v1/programs/${programId}/pairs`, { mentorId, menteeId }).expect(201)).body.id;
        const pair = `/v1/programs/${programId}/pairs/${pairId}`;
        await post(`${pair}/sessions`, examples.session(), token).expect(201);
        await post(`${pair}/feedback`, { fromRole: 'mentee', givenBy: menteeId, rating: 4, fit: 'good' }, token).expect(201);
        // givenBy must be a participant record of the caller's person, not its partner's.
        await post(`${pair}/feedback`, { fromRole: 'mentor', givenBy: mentorId, rating: 1, fit: 'not-a-fit' }, token).expect(403);
      }
    });

    it('refuses the same person twice in one program (409), in any case', async () => {
      if (!api) return;
      const response = await post(`/v1/programs/${a.programId}/participants`, examples.mentor({ personId: mentorPerson.toUpperCase() }));
      expect(response.status).toBe(409);
      expect(JSON.stringify(response.body)).not.toContain(texts.mentorName);
    });

    it('refuses a person id outside the format with 400 naming personId', async () => {
      if (!api) return;
      const response = await post(`/v1/programs/${a.programId}/participants`, examples.mentor({ personId: 'has space' })).expect(400);
      expect(JSON.stringify(response.body)).toContain('personId');
      await post(`/v1/programs/${a.programId}/participants`, examples.mentor({ personId: undefined })).expect(400);
    });
  });

  describe('confidential notes', () => {
    it('answers both members of the pair, by person id', async () => {
      if (!api) return;
      for (const person of [mentorPerson, menteePerson]) {
        const response = await api.http().get(notesPath()).set(as(['participant'], person)).expect(200);
        expect(response.body).toEqual({ sessionId: a.sessionId, confidentialNotes: texts.notes, erased: false });
      }
    });

    it('refuses admins, analysts, auditors (403) and participants outside the pair (403)', async () => {
      if (!api) return;
      for (const roles of [['admin'], ['analyst'], ['auditor']] as const) {
        await api.http().get(notesPath()).set(as([...roles], mentorPerson)).expect(403);
      }
      await api.http().get(notesPath()).set(as(['participant'], `emp-stranger-${tag}`)).expect(403);
    });

    it('404 for another organization, and for an unknown program, pair or session', async () => {
      if (!api) return;
      await api.http().get(notesPath()).set(as(['participant'], mentorPerson, `org-${randomUUID()}`)).expect(404);
      const member = as(['participant'], mentorPerson);
      await api.http().get(`/v1/programs/${randomUUID()}/pairs/${a.pairId}/sessions/${a.sessionId}/confidential-notes`).set(member).expect(404);
      await api.http().get(`/v1/programs/${a.programId}/pairs/${randomUUID()}/sessions/${a.sessionId}/confidential-notes`).set(member).expect(404);
      await api.http().get(`/v1/programs/${a.programId}/pairs/${a.pairId}/sessions/${randomUUID()}/confidential-notes`).set(member).expect(404);
    });
  });

  describe('subject access', () => {
    it('answers everything held about the person, from the event store, confidential notes only counted', async () => {
      if (!api) return;
      const response = await api.http().get(`/v1/people/${menteePerson.toUpperCase()}/personal-data`).set(admin).expect(200);
      expect(response.text).not.toContain(texts.notes);
      expect(response.body).toMatchObject({
        personId: menteePerson,
        erased: false,
        programs: [
          {
            programId: a.programId,
            participant: { participantId: a.menteeId, role: 'mentee', displayName: texts.menteeName, email: texts.menteeEmail, withdrawnOn: null, erased: false },
            pairs: [
              {
                pairId: a.pairId,
                role: 'mentee',
                partnerParticipantId: a.mentorId,
                rationale: `RATIONALE-${tag}`,
                endedOn: null,
                objectives: [{ objectiveId: a.objectiveId, title: texts.title }],
                sessions: [{ sessionId: a.sessionId, insights: texts.insights }],
                feedbackGiven: [{ comment: texts.comment, rating: 5 }],
                confidentialNotes: 1,
                erased: false,
              },
            ],
          },
          { programId: b.programId, participant: { participantId: b.menteeId, erased: false }, pairs: [] },
        ],
      });
    });

    it('is for admins only (403), 404 for a person no program holds, 400 for a malformed person id', async () => {
      if (!api) return;
      for (const roles of [['analyst'], ['auditor'], ['participant']] as const) {
        await api.http().get(`/v1/people/${menteePerson}/personal-data`).set(as([...roles], menteePerson)).expect(403);
      }
      await api.http().get(`/v1/people/emp-nobody-${tag}/personal-data`).set(admin).expect(404);
      const malformed = await api.http().get('/v1/people/not!valid/personal-data').set(admin).expect(400);
      expect(JSON.stringify(malformed.body)).toContain('personId');
    });
  });

  describe('erasure', () => {
    it('is for admins only (403) and answers 404 for a person no program holds, recording nothing', async () => {
      if (!api) return;
      const before = (await api.allEvents()).length;
      for (const roles of [['analyst'], ['auditor'], ['participant']] as const) {
        await post(`/v1/people/${menteePerson}/erasure`, {}, as([...roles], menteePerson)).expect(403);
      }
      const unknown = await post(`/v1/people/emp-nobody-${tag}/erasure`).expect(404);
      expect(unknown.body.rule).toBe('person-not-found');
      await post('/v1/people/not!valid/erasure').expect(400);
      expect((await api.allEvents()).length).toBe(before);
    });

    it('withdraws the person, ends their pairs, records PersonErased in every program (a closed one too), then destroys their keys', async () => {
      if (!api) return;
      const states = api.app.get(StreamStates);
      // The write path holds the pair's state (with the objective's title) from the commands above.
      expect((await states.load(pairDecider, pairStreamName(a.pairId))).state.objectives[a.objectiveId].title).toBe(texts.title);

      const erased = await post(`/v1/people/${menteePerson}/erasure`).expect(200);
      expect(erased.body).toEqual({
        personId: menteePerson,
        programs: [
          { programId: a.programId, participantId: a.menteeId, recorded: true },
          { programId: b.programId, participantId: b.menteeId, recorded: true },
        ],
        // The person's key and the pair's key.
        keysDestroyed: 2,
      });
      const typesIn = async (programId: string) => (await eventsOf(programId)).map((event) => event.type);
      expect((await typesIn(a.programId)).slice(-3)).toEqual(['PairEnded', 'ParticipantWithdrawn', 'PersonErased']);
      expect((await typesIn(b.programId)).slice(-1)).toEqual(['PersonErased']);
      const personErased = (await eventsOf(b.programId)).find((event) => event.type === 'PersonErased')!;
      expect(personErased.data).toMatchObject({ participantId: b.menteeId, personId: menteePerson });
      expect(personErased.metadata).toMatchObject({ command: 'ErasePerson', actor: { id: 'admin-1' } });

      // The write path reads nulls now: the program's participant, and the pair's text held before the erasure.
      const program = (await states.load(programDecider, programStreamName(a.programId))).state;
      if (program.status === 'none') throw new Error('Program A must exist');
      expect(program.participants[a.menteeId]).toMatchObject({ displayName: null, email: null, erased: true, withdrawn: true });
      expect(program.participants[a.mentorId].displayName).toBe(texts.mentorName);
      expect(states.cached(pairDecider, pairStreamName(a.pairId))).toBeUndefined();
      expect((await states.load(pairDecider, pairStreamName(a.pairId))).state.objectives[a.objectiveId].title).toBeNull();
    });

    it('keeps every hash chain verifiable', async () => {
      if (!api) return;
      for (const programId of [a.programId, b.programId]) {
        const report = await api.http().get(`/v1/programs/${programId}/integrity`).set(admin).expect(200);
        expect(report.body).toMatchObject({ verified: true, unchainedEvents: 0 });
      }
    });

    it('answers subject access with the same shape, nulls and erased: true', async () => {
      if (!api) return;
      const response = await api.http().get(`/v1/people/${menteePerson}/personal-data`).set(admin).expect(200);
      for (const text of Object.values(texts)) expect(response.text).not.toContain(text);
      expect(response.body).toMatchObject({
        personId: menteePerson,
        erased: true,
        programs: [
          {
            programId: a.programId,
            participant: { participantId: a.menteeId, displayName: null, email: null, withdrawnOn: expect.any(String), erased: true },
            pairs: [
              {
                pairId: a.pairId,
                endedOn: expect.any(String),
                objectives: [{ objectiveId: a.objectiveId, title: null, successCriteria: null }],
                sessions: [{ sessionId: a.sessionId, insights: null, actionItems: [{ description: null }] }],
                feedbackGiven: [{ comment: null, rating: 5 }],
                confidentialNotes: 1,
                erased: true,
              },
            ],
          },
          { programId: b.programId, participant: { displayName: null, email: null, erased: true } },
        ],
      });
    });

    it("answers the pair's members with null notes, marked erased", async () => {
      if (!api) return;
      for (const person of [mentorPerson, menteePerson]) {
        const response = await api.http().get(notesPath()).set(as(['participant'], person)).expect(200);
        expect(response.body).toEqual({ sessionId: a.sessionId, confidentialNotes: null, erased: true });
      }
    });

    it('is idempotent: repeated, it records nothing and destroys no more keys', async () => {
      if (!api) return;
      const before = (await api.allEvents()).length;
      const again = await post(`/v1/people/${menteePerson}/erasure`).expect(200);
      expect(again.body).toEqual({
        personId: menteePerson,
        programs: [
          { programId: a.programId, participantId: a.menteeId, recorded: false },
          { programId: b.programId, participantId: b.menteeId, recorded: false },
        ],
        keysDestroyed: 0,
      });
      expect((await api.allEvents()).length).toBe(before);
    });
  });
});
