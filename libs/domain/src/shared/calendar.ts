/** Dates are 'YYYY-MM-DD' strings (UTC calendar days); they compare correctly as strings. */
export type CalendarDate = string;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written 'YYYY-MM-DD' (rejects '2025-02-30'). */
export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== 'string') return false;
  const parts = CALENDAR_DATE.exec(value);
  if (!parts) return false;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Year 0000 is refused: PostgreSQL has no year 0 (ISO 8601 allows it only by agreement).
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

// Gregorian arithmetic, not Date.UTC: that maps years 0-99 to 1900-1999.
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The UTC calendar day of the request instant carried by a command. */
export function todayOf(now: string): CalendarDate {
  return now.slice(0, 10);
}

/** The day `days` after `date` (before it when negative), in the proleptic Gregorian calendar. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const [year, month, day] = date.split('-').map(Number);
  const at = new Date(0);
  // setUTCFullYear, not Date.UTC: that maps years 0-99 to 1900-1999.
  at.setUTCFullYear(year, month - 1, day + days);
  return at.toISOString().slice(0, 10);
}

/** The later of two days. */
export function laterOf(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a > b ? a : b;
}
