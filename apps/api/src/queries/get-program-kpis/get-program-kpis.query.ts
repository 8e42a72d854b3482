import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { kpiWeeks } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { problems } from '../../http/problem';
import { Actor } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';
import { addDays, daysBetween, today } from '../shared/pair-health';
import { ProgramVisibility } from '../shared/program-visibility';
import { average } from '../shared/views';

/** At most two years of weeks per answer. */
export const MAX_KPI_WEEKS = 105;

export interface KpiWeek {
  weekStart: string;
  sessions: number;
  minutes: number;
  /** Pairs active at any time during the week. */
  activePairs: number;
  averageRating: number | null;
  objectivesAchieved: number;
}

export class GetProgramKpisQuery extends Query<{ programId: string; from: string; to: string; weeks: KpiWeek[] }> {
  constructor(
    readonly programId: string,
    readonly range: { from?: string; to?: string },
    readonly actor: Actor,
  ) {
    super();
  }
}

const mondayOf = (date: string) => addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));

/** The weekly KPI series of a program (ISO weeks, starting Monday), one entry per week even when quiet. */
@QueryHandler(GetProgramKpisQuery)
export class GetProgramKpisHandler implements IQueryHandler<GetProgramKpisQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly dataSource: DataSource,
    private readonly visibility: ProgramVisibility,
  ) {}

  async execute({ programId, range, actor }: GetProgramKpisQuery) {
    const program = await this.visibility.program(programId, actor);
    const from = range.from ?? program.startsOn;
    const to = range.to ?? (today() < program.endsOn ? today() : program.endsOn);
    if (from > to) throw problems.invalidRequest([{ field: 'from', message: 'from must be on or before to' }]);
    const firstWeek = mondayOf(from);
    const lastWeek = mondayOf(to);
    if (daysBetween(firstWeek, lastWeek) / 7 + 1 > MAX_KPI_WEEKS) {
      throw problems.invalidRequest([{ field: 'to', message: `a KPI series covers at most ${MAX_KPI_WEEKS} weeks` }]);
    }
    const weeks = await kpiWeeks(this.dataSource.manager, programId, firstWeek, lastWeek);
    return {
      programId,
      from,
      to,
      weeks: weeks.map((week) => ({
        weekStart: week.weekStart,
        sessions: week.sessions,
        minutes: week.minutes,
        activePairs: week.activePairs,
        averageRating: average(week.ratingSum, week.ratingCount),
        objectivesAchieved: week.objectivesAchieved,
      })),
    };
  }
}
