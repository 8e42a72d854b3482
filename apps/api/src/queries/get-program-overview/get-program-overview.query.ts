import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { PairRow, ProgramOverviewRow } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { Actor } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';
import { HEALTH_SQL, today } from '../shared/pair-health';
import { ProgramVisibility } from '../shared/program-visibility';
import { average, ratio } from '../shared/views';

export function programOverview(row: ProgramOverviewRow, health: { onTrack: number; needsCheckIn: number; stalled: number }) {
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
    const counts = await this.dataSource
      .getRepository(PairRow)
      .createQueryBuilder('pair')
      .select(`count(*) FILTER (WHERE ${HEALTH_SQL['on-track']})::int`, 'onTrack')
      .addSelect(`count(*) FILTER (WHERE ${HEALTH_SQL['needs-check-in']})::int`, 'needsCheckIn')
      .addSelect(`count(*) FILTER (WHERE ${HEALTH_SQL.stalled})::int`, 'stalled')
      .where('pair.programId = :programId AND pair.status = :active', { programId, active: 'active', today: today() })
      .getRawOne<{ onTrack: number; needsCheckIn: number; stalled: number }>();
    return programOverview(program, counts ?? { onTrack: 0, needsCheckIn: 0, stalled: 0 });
  }
}
