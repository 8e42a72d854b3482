import { pairStreamName } from '@flipside/domain';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ApiHarness, runningPair, startApi } from '../../api/test/support/api-harness';
import { automationEventId } from '../src/automation/write-path-decisions';
import { automationEvents, plusDays, shiftedClockEnv, until } from './support/automation-harness';
import { ProjectorProcess } from './support/projector-process';

const CHILD = join(__dirname, 'support/automation-child.ts');
const PAIRS = 16;

/**
 * The automation in processes of its own, started on a system clock shifted 100 days ahead (libfaketime), so
 * that every pair's "no first session" flag (day 14) and automatic-end warning (day 83) is due at once:
 * 32 decisions. The processes are SIGKILLed at random moments, two run side by side in some rounds; every
 * decision must be in the log exactly once, with the event id derived from its timer.
 */
describe('engagement automation: SIGKILL at any point, and two instances, decide everything exactly once', () => {
  const masterKey = randomBytes(32).toString('base64');
  const today = new Date().toISOString().slice(0, 10);
  let api: ApiHarness | undefined;
  const children: ProjectorProcess[] = [];

  beforeAll(async () => {
    api = await startApi({ FLIPSIDE_MASTER_KEY: masterKey });
  });
  afterAll(async () => {
    for (const child of children) await child.kill('SIGKILL');
    await api?.close();
  });

  const start = (name: string) => {
    const { config } = api!;
    const child = ProjectorProcess.start(
      name,
      {
        DATABASE_URL: config.databaseUrl,
        EVENT_STORE: config.eventStore,
        EVENTSTORE_URL: config.eventStoreUrl ?? '',
        FLIPSIDE_MASTER_KEY: masterKey,
        // Slow enough that a kill lands between decisions.
        ENGAGEMENT_AUTOMATION_CONCURRENCY: '2',
        KAFKA_BROKERS: '',
        ...shiftedClockEnv(new Date(`${plusDays(today, 100)}T06:00:00.000Z`)),
      },
      CHILD,
    );
    children.push(child);
    return child;
  };

  it('and each decision carries the event id of the timer that fired it', async () => {
    if (!api) return;
    const pairs = [];
    for (let index = 0; index < PAIRS; index++) pairs.push(await runningPair(api));
    const expected = PAIRS * 2;

    let round = 0;
    let decided = 0;
    while (decided < expected && round < 40) {
      round++;
      // Every third round, two instances at once: one holds the lease, the other stands by (or takes over).
      const running = round % 3 === 0 ? [start(`automation ${round}a`), start(`automation ${round}b`)] : [start(`automation ${round}`)];
      // Killed as soon as a few more decisions are in: mid-round, between a decision and its timer's marking.
      const target = Math.min(expected, decided + 1 + Math.floor(Math.random() * 8));
      decided = (
        await until(() => automationEvents(api!), (all) => all.length >= target, 60_000).catch((error: Error) => {
          throw new Error(`${error.message.slice(0, 200)}\n${running.map((child) => `--- ${child.name}:\n${child.tail(40)}`).join('\n')}`);
        })
      ).length;
      for (const child of running) await child.kill('SIGKILL');
      decided = (await automationEvents(api)).length;
    }
    // The last one runs until everything due is decided, then stops cleanly.
    const last = start('automation final');
    const events = await until(() => automationEvents(api!), (all) => all.length >= expected, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await last.kill('SIGTERM');

    const all = await automationEvents(api);
    expect(round).toBeGreaterThan(1);
    expect(all).toHaveLength(expected);
    expect(new Set(all.map((event) => event.id)).size).toBe(expected);
    for (const { pairId } of pairs) {
      const ofPair = all.filter((event) => event.streamName === pairStreamName(pairId));
      expect(ofPair.map((event) => event.type).sort()).toEqual(['PairEndingWarned', 'PairFlagged']);
      const flag = ofPair.find((event) => event.type === 'PairFlagged')!;
      expect(flag.data).toMatchObject({ flag: 'no-first-session', since: plusDays(today, 14) });
      const timerId = `no-first-session:${pairId}:${today}:${plusDays(today, 14)}`;
      expect(flag.id).toBe(automationEventId(timerId, pairStreamName(pairId), 0));
    }
    expect(events.length).toBe(expected);
  }, 240_000);
});
