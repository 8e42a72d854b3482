import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { KeyVault } from '@flipside/personal-data';
import { DashboardRows, FeedbackRow, ObjectiveRow, PairRow, SessionRow } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { problems } from '../../http/problem';
import { Actor, isAdmin } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';
import { today } from '../shared/pair-health';
import { isStaff, ProgramVisibility } from '../shared/program-visibility';
import { AnswerAsOf, AsOf, StatesAsOf } from '../shared/state-as-of';
import { feedbackView, objectiveView, Open, openerFor, pairView, personalValues, sessionView } from '../shared/views';

/** How many of a pair's latest sessions and feedback its detail shows; the program's sessions route pages them all. */
export const PAIR_DETAIL_RECENT = 50;

type Direction = 'ASC' | 'DESC';

/**
 * The order of a pair's objectives (as set), sessions and feedback (latest first): PostgreSQL sorts the live rows by
 * it, `inOrder` the rows rebuilt in memory. Its keys are YYYY-MM-DD dates and lower-case UUIDs, which every
 * collation sorts as JavaScript compares them.
 */
export const PAIR_DETAIL_ORDER = {
  objectives: { setOn: 'ASC', objectiveId: 'ASC' },
  sessions: { heldOn: 'DESC', sessionId: 'DESC' },
  feedback: { givenOn: 'DESC', feedbackId: 'DESC' },
} as const satisfies Record<string, Record<string, Direction>>;

export function inOrder<Row>(rows: Row[], order: Partial<Record<keyof Row, Direction>>): Row[] {
  const keys = Object.entries(order) as [keyof Row, Direction][];
  return [...rows].sort((a, b) => {
    for (const [key, direction] of keys) {
      if (a[key] === b[key]) continue;
      return (a[key] < b[key]) === (direction === 'ASC') ? -1 : 1;
    }
    return 0;
  });
}

export interface PairChildren {
  objectives: ObjectiveRow[];
  sessions: SessionRow[];
  feedback: FeedbackRow[];
}

/** The detail from its rows, live or as of T; personal fields opened by `open`. */
export function pairDetail(pair: PairRow, children: PairChildren, on: string, withComments: boolean, open: Open) {
  return {
    ...pairView(pair, on, open),
    objectives: children.objectives.map((row) => objectiveView(row, open)),
    recentSessions: children.sessions.map((row) => sessionView(row, open)),
    recentFeedback: children.feedback.map((row) => feedbackView(row, withComments, open)),
  };
}

/** Opens a pair's detail: every key its rows need, in one query. */
export async function openPairDetail(vault: KeyVault, pair: PairRow, children: PairChildren, on: string, withComments: boolean) {
  const open = await openerFor(vault, [
    ...personalValues.pair(pair),
    ...children.objectives.flatMap(personalValues.objective),
    ...children.sessions.flatMap(personalValues.session),
    ...(withComments ? children.feedback.flatMap(personalValues.feedback) : []),
  ]);
  return pairDetail(pair, children, on, withComments, open);
}

/** The pair if the actor may see it: staff see every pair of a program they see, a participant (by person) only its own. */
function visiblePair(pair: PairRow | null | undefined, programId: string, pairId: string, actor: Actor): PairRow {
  const member = pair && (pair.mentorPersonId === actor.id || pair.menteePersonId === actor.id);
  if (!pair || pair.programId !== programId || (!isStaff(actor) && !member)) {
    throw problems.notFound(`Pair ${pairId} was not found in program ${programId}`, 'pair-not-found');
  }
  return pair;
}

export class GetPairQuery extends Query<ReturnType<typeof pairDetail>> {
  constructor(
    readonly programId: string,
    readonly pairId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** One pair with its objectives, latest sessions and feedback; a participant sees only its own pairs. */
@QueryHandler(GetPairQuery)
export class GetPairHandler implements IQueryHandler<GetPairQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly dataSource: DataSource,
    private readonly visibility: ProgramVisibility,
    private readonly vault: KeyVault,
  ) {}

  async execute({ programId, pairId, actor }: GetPairQuery) {
    await this.visibility.program(programId, actor);
    const pair = visiblePair(await this.dataSource.getRepository(PairRow).findOneBy({ pairId, programId }), programId, pairId, actor);
    const [objectives, sessions, feedback] = await Promise.all([
      this.dataSource.getRepository(ObjectiveRow).find({ where: { pairId }, order: PAIR_DETAIL_ORDER.objectives }),
      this.dataSource.getRepository(SessionRow).find({ where: { pairId }, order: PAIR_DETAIL_ORDER.sessions, take: PAIR_DETAIL_RECENT }),
      this.dataSource.getRepository(FeedbackRow).find({ where: { pairId }, order: PAIR_DETAIL_ORDER.feedback, take: PAIR_DETAIL_RECENT }),
    ]);
    return openPairDetail(this.vault, pair, { objectives, sessions, feedback }, today(), isAdmin(actor));
  }
}

/** What the live query reads for a pair, taken from rows rebuilt in memory. */
function childrenOf(rows: DashboardRows, pairId: string): PairChildren {
  const ofPair = <Row extends { pairId: string }>(all: Row[]) => all.filter((row) => row.pairId === pairId);
  return {
    objectives: inOrder(ofPair(rows.objectives.all()), PAIR_DETAIL_ORDER.objectives),
    sessions: inOrder(ofPair(rows.sessions.all()), PAIR_DETAIL_ORDER.sessions).slice(0, PAIR_DETAIL_RECENT),
    feedback: inOrder(ofPair(rows.feedback.all()), PAIR_DETAIL_ORDER.feedback).slice(0, PAIR_DETAIL_RECENT),
  };
}

export class GetPairAsOfQuery extends Query<AnswerAsOf<ReturnType<typeof pairDetail>>> {
  constructor(
    readonly programId: string,
    readonly pairId: string,
    readonly asOf: AsOf,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** The pair as it stood at T: the same rules and shaping as the live answer, over rows rebuilt from the events. */
@QueryHandler(GetPairAsOfQuery)
export class GetPairAsOfHandler implements IQueryHandler<GetPairAsOfQuery> {
  constructor(
    private readonly states: StatesAsOf,
    private readonly vault: KeyVault,
  ) {}

  async execute({ programId, pairId, asOf, actor }: GetPairAsOfQuery) {
    const state = await this.states.visibleTo(programId, asOf, actor);
    const pair = visiblePair(state.rows.pairs.find(pairId), programId, pairId, actor);
    const answer = await openPairDetail(this.vault, pair, childrenOf(state.rows, pairId), state.today, isAdmin(actor));
    return { answer, position: state.position };
  }
}
