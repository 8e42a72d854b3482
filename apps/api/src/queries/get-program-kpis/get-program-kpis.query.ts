import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
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
    const rows: {
      week_start: string;
      sessions: number;
      minutes: number;
      rating_sum: number;
      rating_count: number;
      objectives_achieved: number;
      active_pairs: number;
    }[] = await this.dataSource.query(
      `WITH weeks AS (
         SELECT to_char(day, 'YYYY-MM-DD') AS week_start, to_char(day + interval '6 days', 'YYYY-MM-DD') AS week_end
           FROM generate_series($2::date, $3::date, interval '7 days') AS day
       )
       SELECT weeks.week_start,
              COALESCE(week.sessions, 0) AS sessions, COALESCE(week.minutes, 0) AS minutes,
              COALESCE(week.rating_sum, 0) AS rating_sum, COALESCE(week.rating_count, 0) AS rating_count,
              COALESCE(week.objectives_achieved, 0) AS objectives_achieved,
              (SELECT count(*)::int FROM pair_spans span
                WHERE span.program_id = $1 AND span.paired_on <= weeks.week_end
                  AND (span.ended_on IS NULL OR span.ended_on >= weeks.week_start)) AS active_pairs
         FROM weeks
         LEFT JOIN program_weeks week ON week.program_id = $1 AND week.week_start = weeks.week_start
        ORDER BY weeks.week_start`,
      [programId, firstWeek, lastWeek],
    );
    return {
      programId,
      from,
      to,
      weeks: rows.map((row) => ({
        weekStart: row.week_start,
        sessions: row.sessions,
        minutes: row.minutes,
        activePairs: row.active_pairs,
        averageRating: average(row.rating_sum, row.rating_count),
        objectivesAchieved: row.objectives_achieved,
      })),
    };
  }
}
