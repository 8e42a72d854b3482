import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { PairRow, ProgramOverviewRow } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { Actor } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';
import { PairHealthCounts, pairHealthCounts, today } from '../shared/pair-health';
import { ProgramVisibility } from '../shared/program-visibility';
import { AnswerAsOf, AsOf, StatesAsOf } from '../shared/state-as-of';
import { average, ratio } from '../shared/views';

/** The overview from its rows, live or as of T; health counts come from `pairHealthCounts` on both paths. */
export function programOverview(row: ProgramOverviewRow, health: PairHealthCounts) {
  return {
    programId: row.programId,
    name: row.name,
    description: row.description,
    status: row.status,
    focusAreas: row.focusAreas,
    goals: row.goals,
    cadence: { sessionEveryDays: row.sessionEveryDays, minSessionMinutes: row.minSessionMinutes },
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    createdOn: row.createdOn,
    launchedOn: row.launchedOn,
    closedOn: row.closedOn,
    participants: { mentors: row.mentors, mentees: row.mentees, withdrawn: row.withdrawn, unpairedMentees: row.unpairedMentees },
    pairs: { active: row.activePairs, ended: row.endedPairs, health },
    /** Mentees ever paired / mentees ever enrolled. */
    matchRate: ratio(row.menteesPaired, row.menteesEnrolled),
    sessions: { held: row.sessionsHeld, minutes: row.minutesMentored },
    objectives: {
      set: row.objectivesSet,
      achieved: row.objectivesAchieved,
      dropped: row.objectivesDropped,
      averageKnowledgeGain: average(row.knowledgeGainSum, row.objectivesAchieved),
    },
    ratings: {
      byMentors: { average: average(row.mentorRatingSum, row.mentorRatingCount), count: row.mentorRatingCount },
      byMentees: { average: average(row.menteeRatingSum, row.menteeRatingCount), count: row.menteeRatingCount },
    },
    /** Enrolled participants with a completed training / enrolled participants. */
    trainingCompletionRate: ratio(row.participantsTrained, row.mentors + row.mentees),
    lastActivityOn: row.lastActivityOn,
  };
}

export class GetProgramOverviewQuery extends Query<ReturnType<typeof programOverview>> {
  constructor(
    readonly programId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}

@QueryHandler(GetProgramOverviewQuery)
export class GetProgramOverviewHandler implements IQueryHandler<GetProgramOverviewQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly dataSource: DataSource,
    private readonly visibility: ProgramVisibility,
  ) {}

  async execute({ programId, actor }: GetProgramOverviewQuery) {
    const program = await this.visibility.program(programId, actor);
    const running = await this.dataSource.getRepository(PairRow).find({
      select: { pairId: true, status: true, pairedOn: true, lastCadenceSessionOn: true, sessionEveryDays: true },
      where: { programId, status: 'active' },
    });
    return programOverview(program, pairHealthCounts(running, today()));
  }
}

export class GetProgramOverviewAsOfQuery extends Query<AnswerAsOf<ReturnType<typeof programOverview>>> {
  constructor(
    readonly programId: string,
    readonly asOf: AsOf,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** The overview as it stood at T: the same rows and the same shaping as the live answer, rebuilt from the events. */
@QueryHandler(GetProgramOverviewAsOfQuery)
export class GetProgramOverviewAsOfHandler implements IQueryHandler<GetProgramOverviewAsOfQuery> {
  constructor(private readonly states: StatesAsOf) {}

  async execute({ programId, asOf, actor }: GetProgramOverviewAsOfQuery) {
    const state = await this.states.visibleTo(programId, asOf, actor);
    return { answer: programOverview(state.program, pairHealthCounts(state.rows.pairs.all(), state.today)), position: state.position };
  }
}
