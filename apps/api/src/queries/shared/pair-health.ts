/**
 * Pair health, from today's date: `on-track` while the days since the last session that counts towards the
 * cadence (or since pairing, when none) are at most the cadence, `needs-check-in` up to twice the cadence,
 * `stalled` beyond. Ended pairs have no health.
 */
export const PAIR_HEALTHS = ['on-track', 'needs-check-in', 'stalled'] as const;
export type PairHealth = (typeof PAIR_HEALTHS)[number];

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function pairHealth(
  pair: { status: string; pairedOn: string; lastCadenceSessionOn: string | null; sessionEveryDays: number },
  today: string,
): PairHealth | null {
  if (pair.status !== 'active') return null;
  const days = daysBetween(pair.lastCadenceSessionOn ?? pair.pairedOn, today);
  if (days <= pair.sessionEveryDays) return 'on-track';
  if (days <= 2 * pair.sessionEveryDays) return 'needs-check-in';
  return 'stalled';
}

export interface PairHealthCounts {
  onTrack: number;
  needsCheckIn: number;
  stalled: number;
}

/** A program's running pairs by health: the one count both the live and the as-of overview use. */
export function pairHealthCounts(pairs: Iterable<Parameters<typeof pairHealth>[0]>, today: string): PairHealthCounts {
  const counts: PairHealthCounts = { onTrack: 0, needsCheckIn: 0, stalled: 0 };
  for (const pair of pairs) {
    const health = pairHealth(pair, today);
    if (health === 'on-track') counts.onTrack++;
    else if (health === 'needs-check-in') counts.needsCheckIn++;
    else if (health === 'stalled') counts.stalled++;
  }
  return counts;
}

/** The same rule in SQL over the pairs table (alias `pair`), with today as parameter :today, to filter lists by health. */
const DAYS_SQL = `(CAST(:today AS date) - CAST(COALESCE(pair.last_cadence_session_on, pair.paired_on) AS date))`;
export const HEALTH_SQL: Record<PairHealth, string> = {
  'on-track': `pair.status = 'active' AND ${DAYS_SQL} <= pair.session_every_days`,
  'needs-check-in': `pair.status = 'active' AND ${DAYS_SQL} > pair.session_every_days AND ${DAYS_SQL} <= 2 * pair.session_every_days`,
  stalled: `pair.status = 'active' AND ${DAYS_SQL} > 2 * pair.session_every_days`,
};

/** The UTC calendar day of a moment; health is judged on it. */
export const dayOf = (moment: Date) => moment.toISOString().slice(0, 10);

/** Today's UTC calendar day: the query side may read the clock. */
export const today = () => dayOf(new Date());
