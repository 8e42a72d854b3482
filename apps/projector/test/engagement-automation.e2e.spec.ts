import { endDatePassedOutcome, programStreamName, pairStreamName } from '@flipside/domain';
import { ApiHarness, examples, runningPair, startApi } from '../../api/test/support/api-harness';
import { DrivenClock } from '../src/automation/engagement-clock';
import { automationEvents, plusDays, RunningAutomation, startAutomation, until } from './support/automation-harness';
import { IntegrationContract } from './support/integration-contract';
import { requireKafka, testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';

/**
 * The engagement automation end to end, on a driven clock: the API records what people do (at the real time),
 * the projector's automation decides what fell due by its clock, and the decisions reach the log, the read
 * models and Kafka. Programs here meet every 14 days and end 180 days after today (examples.program).
 */
describe('engagement automation (driven clock)', () => {
  const brokers = requireKafka();
  const topic = uniqueTopic('automation');
  const today = new Date().toISOString().slice(0, 10);
  const at = (days: number) => new Date(`${plusDays(today, days)}T08:00:00.000Z`);
  let api: ApiHarness | undefined;
  let projector: RunningAutomation | undefined;
  let reader: TopicReader | undefined;
  const clock = new DrivenClock(at(0));

  beforeAll(async () => {
    if (!brokers) return;
    api = await startApi();
    if (!api) return;
    projector = await startAutomation(api, clock, { brokers, topic });
  });
  afterAll(async () => {
    await reader?.stop();
    await projector?.close();
    await api?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${api!.token()}` });
  const decided = async (count: number) => until(() => automationEvents(api!), (events) => events.length >= count);
  const pairsOf = async (programId: string) => (await api!.http().get(`/v1/programs/${programId}/pairs`).set(auth()).expect(200)).body.items;
  const pairRow = async (programId: string, pairId: string) =>
    until(
      async () => (await pairsOf(programId)).find((pair: { pairId: string }) => pair.pairId === pairId),
      (pair) => pair !== undefined,
    );

  it('flags, asks for feedback, warns, ends an inactive pair and closes the program, each once, as system:engagement', async () => {
    if (!api || !projector || !brokers) return;
    const { programId, pairId, menteeId } = await runningPair(api);
    const stored = await api.allEvents();
    const paired = stored.find((event) => event.type === 'Paired')!;

    // Day 15: no first session within 14 days.
    clock.set(at(15));
    const [flag] = await decided(1);
    expect(flag).toMatchObject({
      type: 'PairFlagged',
      streamName: pairStreamName(pairId),
      data: { programId, pairId, flag: 'no-first-session', since: plusDays(today, 14) },
      metadata: { actor: { id: 'system:engagement', roles: ['system'] }, command: 'FlagPair', causationId: paired.id, occurredAt: at(15).toISOString() },
    });
    await until(() => pairRow(programId, pairId), (pair) => pair.openFlags?.length === 1);
    expect((await pairRow(programId, pairId)).openFlags).toEqual([{ flag: 'no-first-session', since: plusDays(today, 14) }]);

    // Back to today: a session clears the flag; the mentee's feedback comes at once, the mentor's does not.
    clock.set(at(0));
    const session = await api
      .http()
      .post(`/v1/programs/${programId}/pairs/${pairId}/sessions`)
      .set(auth())
      .send(examples.session({ heldOn: today }))
      .expect(201);
    await api
      .http()
      .post(`/v1/programs/${programId}/pairs/${pairId}/feedback`)
      .set(auth())
      .send({ sessionId: session.body.id, fromRole: 'mentee', givenBy: menteeId, rating: 5, fit: 'good', comment: 'Helpful' })
      .expect(201);
    await until(() => pairRow(programId, pairId), (pair) => pair.openFlags?.length === 0);

    // Day 4: feedback is due from the mentor only.
    clock.set(at(4));
    const [, asked] = await decided(2);
    expect(asked).toMatchObject({ type: 'FeedbackRequested', data: { pairId, sessionId: session.body.id, fromRole: 'mentor' } });

    // Day 15 and day 29: a check-in is due, then the pair is stalled; both flags stay open.
    clock.set(at(15));
    await decided(3);
    clock.set(at(29));
    const afterStall = await decided(4);
    expect(afterStall.slice(2).map((event) => [event.data.flag, event.data.since])).toEqual([
      ['check-in-due', plusDays(today, 14)],
      ['stalled', plusDays(today, 28)],
    ]);
    await until(() => pairRow(programId, pairId), (pair) => pair.openFlags?.length === 2);

    // Day 83: the automatic end is announced for day 90; day 90: the pair ends, fenced first.
    clock.set(at(83));
    const [warning] = (await decided(5)).slice(4);
    expect(warning).toMatchObject({ type: 'PairEndingWarned', data: { pairId, endsOn: plusDays(today, 90) } });
    clock.set(at(90));
    const ending = (await decided(7)).slice(5);
    expect(ending.map((event) => [event.type, event.streamName])).toEqual([
      ['PairClosed', pairStreamName(pairId)],
      ['PairEnded', programStreamName(programId)],
    ]);
    expect(ending[1].data).toMatchObject({ reason: 'inactive', endedOn: plusDays(today, 90) });
    await until(() => pairRow(programId, pairId), (pair) => pair.status === 'ended' && pair.openFlags?.length === 0);

    // The day after the program's end date, it is closed.
    const endsOn = plusDays(today, 180);
    clock.set(at(181));
    const closing = (await decided(8)).slice(7);
    expect(closing).toMatchObject([{ type: 'ProgramClosed', data: { programId, outcome: endDatePassedOutcome(endsOn), closedOn: plusDays(today, 181) } }]);

    // Nothing more: no timer is left, and a later day decides nothing twice.
    clock.set(at(400));
    await until(() => projector!.health(), (health) => automationHealth(health)?.armedTimers === 0 && automationHealth(health)?.today === plusDays(today, 400));
    expect(await automationEvents(api)).toHaveLength(8);

    // On Kafka, as CloudEvents, checked against the AsyncAPI contract.
    reader = new TopicReader(testKafka(brokers), topic);
    await reader.start({ fromBeginning: true });
    const types = ['pair-flagged', 'feedback-requested', 'pair-ending-warned', 'pair-ended', 'program-closed'].map((name) => `dev.flipside.mentorship.${name}.v1`);
    await reader.waitFor(
      (records) => types.every((type) => records.some((record) => record.headers.ce_type === type)),
      30_000,
      () => reader!.records.map((record) => record.headers.ce_type).join(', '),
    );
    (await IntegrationContract.load()).assertKeptBy(reader.records);
    const ended = reader.records.find((record) => record.headers.ce_type === 'dev.flipside.mentorship.pair-ended.v1');
    expect(JSON.parse(ended!.value)).toMatchObject({ pairId, reason: 'inactive' });
  });

  it('after a week down, acts on everything that fell due, once each, in the order it fell due', async () => {
    if (!api || !projector || !brokers) return;
    await projector.close();
    projector = undefined;
    const first = await runningPair(api);
    const second = await runningPair(api);
    const before = (await automationEvents(api)).length;
    // Down from today to day 200: both pairs' first-session flags (day 14) and warnings (day 83), then both closings (day 181).
    clock.set(at(200));
    projector = await startAutomation(api, clock);
    const events = (await decided(before + 10)).slice(before);
    const decisions = events.filter((event) => event.type !== 'PairClosed' && !(event.type === 'PairEnded' && event.data.reason === 'program-closed'));
    expect(decisions.map((event) => `${event.type}:${event.data.flag ?? event.data.endsOn ?? ''}`)).toEqual([
      'PairFlagged:no-first-session',
      'PairFlagged:no-first-session',
      'PairEndingWarned:' + plusDays(today, 207),
      'PairEndingWarned:' + plusDays(today, 207),
      'ProgramClosed:',
      'ProgramClosed:',
    ]);
    // A warning given late still leaves its full notice: the ends it announced (day 207) are not due by day 200,
    // and the programs' closing ended both pairs first.
    for (const { programId, pairId } of [first, second]) {
      const ofPair = events.filter((event) => event.data.pairId === pairId);
      expect(ofPair.map((event) => event.type)).toEqual(['PairFlagged', 'PairEndingWarned', 'PairClosed', 'PairEnded']);
      expect(events.filter((event) => event.type === 'ProgramClosed' && event.data.programId === programId)).toHaveLength(1);
    }
    // A restart decides nothing again.
    await projector.close();
    projector = await startAutomation(api, clock);
    await until(() => projector!.health(), (health) => automationHealth(health)?.today === plusDays(today, 200) && automationHealth(health)?.dueTimers === 0);
    expect((await automationEvents(api)).length).toBe(before + 10);
  });

  it('reports armed and due timers and the oldest overdue one in health and metrics', async () => {
    if (!api || !projector || !brokers) return;
    // Back to today: a new pair arms its timers (first session, warning, the program's closing), none due yet.
    clock.set(at(0));
    await runningPair(api);
    const health = await until(
      () => projector!.health(),
      (body) => automationHealth(body)?.today === today && automationHealth(body)?.armedTimers >= 3,
    );
    expect(automationHealth(health)).toMatchObject({ state: 'live', dueTimers: 0, oldestOverdueSeconds: 0, decisions: { recorded: expect.any(Number) } });
    const metrics = await projector.metrics();
    expect(metrics).toMatch(/^flipside_automation_timers_armed [3-9]\d*$/m);
    expect(metrics).toMatch(/^flipside_automation_timers_due 0$/m);
    expect(metrics).toMatch(/^flipside_automation_oldest_overdue_seconds 0$/m);
    expect(metrics).toMatch(/^flipside_automation_decisions_total\{outcome="recorded"\} \d+$/m);
  });
});

function automationHealth(health: any): any {
  return health?.processors?.find?.((processor: { name: string }) => processor.name === 'engagement-automation');
}

