import { randomUUID } from 'node:crypto';
import { CommandContext, PairCommands } from '@flipside/write-path';
import { ApiHarness, examples } from './api-harness';

export interface ProgramWithEveryEvent {
  readonly programId: string;
  /** Ended by an admin half-way. */
  readonly endedPairId: string;
  /** Ended when the program closed. */
  readonly closedPairId: string;
  /** Two admins share the work, so that filtering by actor means something. */
  readonly actors: readonly [string, string];
}

const today = () => new Date().toISOString().slice(0, 10);

/** Marks text only admins may read (feedback comments): never in an auditor's history or export. */
export const ADMIN_ONLY_MARKER = 'ADMIN-ONLY-COMMENT';

/**
 * A program with every event type, recorded through the API by two admins, its two pairs' events interleaved
 * so that log order across streams matters; the engagement automation's decisions among them (recorded here
 * as the projector's automation records them: through the write path, as system:engagement); then closed.
 */
export async function programWithEveryEvent(api: ApiHarness): Promise<ProgramWithEveryEvent> {
  const actors = ['history-admin-1', 'history-admin-2'] as const;
  const tokens = actors.map((sub) => api.token({ sub, roles: ['admin'] }));
  const post = async (by: 0 | 1, path: string, body: object = {}) => {
    const response = await api.http().post(`/v1/programs${path}`).set('Authorization', `Bearer ${tokens[by]}`).send(body);
    if (response.status !== 200 && response.status !== 201) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  };
  const programId = await post(0, '', examples.program());
  const p = `/${programId}`;
  const mentors = [await post(0, `${p}/participants`, examples.mentor()), await post(1, `${p}/participants`, examples.mentor())];
  const mentees = [
    await post(0, `${p}/participants`, examples.mentee()),
    await post(1, `${p}/participants`, examples.mentee()),
    await post(0, `${p}/participants`, examples.mentee()),
  ];
  await post(1, `${p}/participants/${mentors[0]}/trainings`, { module: 'Reverse mentoring 101', completedOn: today() });
  await post(0, `${p}/launch`);
  const policy = await api.http().put(`/v1/programs${p}/engagement-policy`).set('Authorization', `Bearer ${tokens[1]}`).send({ autoEndAfterDays: 60 });
  if (policy.status !== 200) throw new Error(`engagement-policy: ${policy.status} ${JSON.stringify(policy.body)}`);
  const closedPairId = await post(0, `${p}/pairs`, { mentorId: mentors[0], menteeId: mentees[0] });
  const endedPairId = await post(1, `${p}/pairs`, { mentorId: mentors[1], menteeId: mentees[1] });
  const a = `${p}/pairs/${closedPairId}`;
  const b = `${p}/pairs/${endedPairId}`;
  const achieved = await post(1, `${a}/objectives`, examples.objective());
  await post(0, `${b}/sessions`, examples.session({ topics: ['Short video'] }));
  await post(1, `${a}/objectives/${achieved}/progress`, { level: 4 });
  const session = await post(0, `${a}/sessions`, examples.session());
  await post(1, `${a}/feedback`, { sessionId: session, fromRole: 'mentee', givenBy: mentees[0], rating: 5, fit: 'good', comment: `${ADMIN_ONLY_MARKER} very useful` });
  const created = (await api.allEvents()).find((event) => event.type === 'ProgramCreated' && event.data.programId === programId);
  const system: CommandContext = {
    actor: { id: 'system:engagement', roles: ['system'], organizationId: created?.metadata.organizationId as string },
    correlationId: randomUUID(),
    causationId: randomUUID(),
    now: new Date().toISOString(),
  };
  const automation = api.app.get(PairCommands);
  await automation.record(programId, closedPairId, 'RequestFeedback', { sessionId: session, fromRole: 'mentor' }, system, { id: closedPairId });
  await automation.record(programId, endedPairId, 'FlagPair', { flag: 'check-in-due', since: today(), lapseStartedOn: today() }, system, { id: endedPairId });
  const endsOn = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  await automation.record(programId, endedPairId, 'WarnPairEnding', { endsOn, lastActiveOn: today() }, system, { id: endedPairId });
  await post(0, `${b}/sessions`, examples.session({ durationMinutes: 60 }));
  await post(1, `${a}/objectives/${achieved}/achieve`, { finalLevel: 7 });
  const dropped = await post(0, `${b}/objectives`, examples.objective({ title: 'Record a short video' }));
  await post(1, `${b}/objectives/${dropped}/drop`, { reason: 'Out of scope this quarter' });
  await post(0, `${a}/sessions`, examples.session({ topics: ['AI tools'] }));
  await post(1, `${b}/end`, { reason: 'completed', note: '' });
  await post(0, `${p}/participants/${mentees[2]}/withdraw`, { reason: 'Moved to another team' });
  await post(1, `${p}/close`, { outcome: 'Every leader posted at least once' });
  return { programId, endedPairId, closedPairId, actors };
}
