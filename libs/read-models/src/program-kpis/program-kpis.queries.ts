import { EntityManager } from 'typeorm';

/** One ISO week of a program's KPI series, as its tables hold it. */
export interface KpiWeekRow {
  readonly weekStart: string;
  readonly sessions: number;
  readonly minutes: number;
  readonly ratingSum: number;
  readonly ratingCount: number;
  readonly objectivesAchieved: number;
  /** Pairs active at any time during the week (from pair_spans). */
  readonly activePairs: number;
}

/**
 * A program's weeks from the week starting `firstWeek` to the one starting `lastWeek` (Mondays, YYYY-MM-DD), one
 * row per week even when nothing happened in it.
 */
export async function kpiWeeks(db: Pick<EntityManager, 'query'>, programId: string, firstWeek: string, lastWeek: string): Promise<KpiWeekRow[]> {
  const rows: {
    week_start: string;
    sessions: number;
    minutes: number;
    rating_sum: number;
    rating_count: number;
    objectives_achieved: number;
    active_pairs: number;
  }[] = await db.query(
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
  return rows.map((row) => ({
    weekStart: row.week_start,
    sessions: row.sessions,
    minutes: row.minutes,
    ratingSum: row.rating_sum,
    ratingCount: row.rating_count,
    objectivesAchieved: row.objectives_achieved,
    activePairs: row.active_pairs,
  }));
}
