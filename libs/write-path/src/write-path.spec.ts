import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { sealWith } from '@flipside/audit';
import { pairStreamName, programDecider, programStreamName } from '@flipside/domain';
import { EventStore, comparePositions } from '@flipside/event-store';
import { PostgresEventStore } from '@flipside/event-store/postgres';
import { KeyVault, MasterKeys, PersonalDataCipher, generateMasterKeyText, parseMasterKey } from '@flipside/personal-data';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { CommandActor, CommandContext } from './command-context';
import { AccessDenied, CommandRefused, StaleRevision } from './errors';
import { WritePath, createWritePath } from './write-path';

const organizationId = 'acme';
const admin: CommandActor = { id: 'admin-1', roles: ['admin'], organizationId };
const automation: CommandActor = { id: 'system:engagement', roles: ['system'], organizationId };

const contextOf = (actor: CommandActor, now: string, more: Partial<CommandContext> = {}): CommandContext => ({
  actor,
  correlationId: randomUUID(),
  causationId: randomUUID(),
  now,
  ...more,
});

/** The write path as a processor builds it: plain parts, no Nest module, no HTTP. */
describe('createWritePath', () => {
  let database: TestDatabase | undefined;
  let pool: Pool;
  let store: EventStore;
  let vault: KeyVault;
  let writePath: WritePath;

  beforeAll(async () => {
    if (!(await requirePostgres())) return;
    database = await createTestDatabase('flipside_write_path');
    store = new PostgresEventStore({ connectionString: database.url });
    await store.start();
    pool = new Pool({ connectionString: database.url, max: 2 });
    vault = await KeyVault.open(pool, new MasterKeys(parseMasterKey(generateMasterKeyText())));
    writePath = createWritePath({ store, seal: sealWith(randomBytes(32)), cipher: new PersonalDataCipher(vault), vault });
  });
  afterAll(async () => {
    await vault?.close();
    await pool?.end();
    await store?.close();
    await database?.drop();
  });

  /** A launched program with one pair, paired on 2026-02-02. */
  async function runningPair() {
    const programId = randomUUID();
    const pairId = randomUUID();
    const [mentorId, menteeId] = [randomUUID(), randomUUID()];
    const on = (day: string) => contextOf(admin, `${day}T09:00:00.000Z`);
    const { programs } = writePath;
    await programs.record(
      'CreateProgram',
      {
        programId, organizationId, name: 'Digital fluency', focusAreas: ['technology'], goals: ['Post monthly'],
        cadence: { sessionEveryDays: 14, minSessionMinutes: 30 }, startsOn: '2026-02-01', endsOn: '2026-12-31',
      },
      on('2026-01-15'),
      { id: programId },
    );
    for (const [participantId, role, seniority] of [[mentorId, 'mentor', 2], [menteeId, 'mentee', 9]] as const) {
      await programs.record(
        'EnrolParticipant',
        { programId, participantId, personId: `emp-${participantId.slice(0, 8)}`, role, displayName: 'Kavya', email: `${participantId}@acme.test`, seniority, department: 'Marketing' },
        on('2026-01-16'),
        { id: participantId },
      );
    }
    await programs.record('LaunchProgram', { programId }, on('2026-02-01'), { id: programId });
    await programs.record('PairParticipants', { programId, pairId, mentorId, menteeId, pairedBy: 'admin' }, on('2026-02-02'), { id: pairId });
    return { programId, pairId, mentorId, menteeId };
  }

  it('folds a stream nobody holds once for a burst of loads, and reads a held one afresh every time', async () => {
    if (!database) return;
    const { programId } = await runningPair();
    let reads = 0;
    const counting = new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'readStream'
          ? (...args: Parameters<EventStore['readStream']>) => {
              reads++;
              return target.readStream(...args);
            }
          : Reflect.get(target, property, receiver),
    });
    const fresh = createWritePath({ store: counting, seal: sealWith(randomBytes(32)), cipher: new PersonalDataCipher(vault), vault });
    const states = await Promise.all(Array.from({ length: 12 }, () => fresh.states.load(programDecider, programStreamName(programId))));
    expect(reads).toBe(1);
    expect(new Set(states.map((state) => state.revision)).size).toBe(1);
    await Promise.all(Array.from({ length: 3 }, () => fresh.states.load(programDecider, programStreamName(programId))));
    expect(reads).toBe(4);
  });

  it('lets the system actor decide like an admin, with the ids the sender derives, fencing the pair before its end', async () => {
    if (!database) return;
    const { programId, pairId } = await runningPair();
    const idFor = (streamName: string, index: number) => `${streamName}:${index}`;
    const ids = new Map<string, string>();
    const eventIdFor = (streamName: string, index: number) => {
      const key = idFor(streamName, index);
      if (!ids.has(key)) ids.set(key, randomUUID());
      return ids.get(key)!;
    };
    const context = contextOf(automation, '2026-06-01T03:00:00.000Z', { eventIdFor });
    await writePath.programs.record('EndInactivePair', { programId, pairId, lastActiveOn: '2026-02-02' }, context, { id: pairId });

    const [closed] = await store.readStream(pairStreamName(pairId));
    const ended = (await store.readStream(programStreamName(programId))).at(-1)!;
    expect({ type: closed.type, id: closed.id, actor: closed.metadata.actor }).toEqual({
      type: 'PairClosed',
      id: ids.get(idFor(pairStreamName(pairId), 0)),
      actor: { id: 'system:engagement', roles: ['system'] },
    });
    expect({ type: ended.type, id: ended.id, reason: ended.data.reason }).toEqual({
      type: 'PairEnded',
      id: ids.get(idFor(programStreamName(programId), 0)),
      reason: 'inactive',
    });
    expect(comparePositions(closed.position, ended.position)).toBeLessThan(0);
  });

  it('refuses an end for inactivity at the fence when the pair met after the day it counted from: nothing recorded', async () => {
    if (!database) return;
    const { programId, pairId } = await runningPair();
    await writePath.pairs.record(
      programId,
      pairId,
      'LogSession',
      { sessionId: randomUUID(), heldOn: '2026-03-01', durationMinutes: 45, format: 'video', topics: ['AI'], insights: 'Good', actionItems: [] },
      contextOf(admin, '2026-03-01T10:00:00.000Z'),
      { id: pairId },
    );
    const before = (await store.readStream(programStreamName(programId))).length;
    const ending = writePath.programs.record(
      'EndInactivePair',
      { programId, pairId, lastActiveOn: '2026-02-02' },
      contextOf(automation, '2026-06-01T03:00:00.000Z'),
      { id: pairId },
    );
    await expect(ending).rejects.toMatchObject({ constructor: CommandRefused, violation: { rule: 'pair-active-again' } });
    expect(await store.readStream(programStreamName(programId))).toHaveLength(before);
    expect((await store.readStream(pairStreamName(pairId))).map((event) => event.type)).toEqual(['SessionHeld']);
  });

  it('refuses in its own words: access denied, not found in another organization, a stale revision', async () => {
    if (!database) return;
    const { programId, pairId, menteeId } = await runningPair();
    const now = '2026-03-01T10:00:00.000Z';
    const participant: CommandActor = { id: 'emp-nobody', roles: ['participant'], organizationId };
    await expect(
      writePath.programs.record('WithdrawParticipant', { programId, participantId: menteeId, reason: 'x' }, contextOf(participant, now), { id: menteeId }),
    ).rejects.toBeInstanceOf(AccessDenied);
    await expect(
      writePath.programs.record('LaunchProgram', { programId }, contextOf({ ...automation, organizationId: 'globex' }, now), { id: programId }),
    ).rejects.toMatchObject({ constructor: CommandRefused, violation: { kind: 'not-found', rule: 'program-not-found' } });
    await expect(
      writePath.pairs.record(
        programId,
        pairId,
        'SetObjective',
        { objectiveId: randomUUID(), title: 'Post', area: 'technology', successCriteria: 'Twice', targetDate: '2026-05-01', baselineLevel: 2, targetLevel: 6 },
        contextOf(admin, now, { ifMatch: 7n }),
        { id: pairId },
      ),
    ).rejects.toMatchObject({ constructor: StaleRevision, expected: 7n, actual: -1n });
  });
});
