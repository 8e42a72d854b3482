import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { FeedbackRow, ObjectiveRow, PairRow, SessionRow } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { problems } from '../../http/problem';
import { Actor, isAdmin } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';
import { today } from '../shared/pair-health';
import { isStaff, ProgramVisibility } from '../shared/program-visibility';
import { feedbackView, objectiveView, pairView, sessionView } from '../shared/views';

/** How many of a pair's latest sessions and feedback its detail shows; the program's sessions route pages them all. */
export const PAIR_DETAIL_RECENT = 50;

export function pairDetail(
  pair: PairRow,
  children: { objectives: ObjectiveRow[]; sessions: SessionRow[]; feedback: FeedbackRow[] },
  on: string,
  withComments: boolean,
) {
  return {
    ...pairView(pair, on),
    objectives: children.objectives.map(objectiveView),
    recentSessions: children.sessions.map(sessionView),
    recentFeedback: children.feedback.map((row) => feedbackView(row, withComments)),
  };
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
  ) {}

  async execute({ programId, pairId, actor }: GetPairQuery) {
    await this.visibility.program(programId, actor);
    const pair = await this.dataSource.getRepository(PairRow).findOneBy({ pairId, programId });
    const member = pair && (pair.mentorId === actor.id || pair.menteeId === actor.id);
    if (!pair || (!isStaff(actor) && !member)) throw problems.notFound(`Pair ${pairId} was not found in program ${programId}`, 'pair-not-found');
    const [objectives, sessions, feedback] = await Promise.all([
      this.dataSource.getRepository(ObjectiveRow).find({ where: { pairId }, order: { setOn: 'ASC', objectiveId: 'ASC' } }),
      this.dataSource.getRepository(SessionRow).find({ where: { pairId }, order: { heldOn: 'DESC', sessionId: 'DESC' }, take: PAIR_DETAIL_RECENT }),
      this.dataSource.getRepository(FeedbackRow).find({ where: { pairId }, order: { givenOn: 'DESC', feedbackId: 'DESC' }, take: PAIR_DETAIL_RECENT }),
    ]);
    return pairDetail(pair, { objectives, sessions, feedback }, today(), isAdmin(actor));
  }
}
