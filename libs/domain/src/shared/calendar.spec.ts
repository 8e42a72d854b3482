import { addDays, isCalendarDate } from './calendar';

describe('isCalendarDate', () => {
  it.each(['2026-02-28', '2024-02-29', '2000-02-29', '0001-01-01', '0004-02-29', '0099-12-31', '9999-12-31'])(
    'accepts %s',
    (date) => expect(isCalendarDate(date)).toBe(true),
  );

  it.each([
    ...['0000-01-01', '2026-02-29', '1900-02-29', '0100-02-29', '0001-02-29', '2026-04-31'],
    ...['2026-13-01', '2026-00-10', '2026-01-00', '2026-1-01', '26-01-01', ' 2026-01-01', '2026-01-01T00:00:00Z'],
  ])(
    'refuses %s',
    (date) => expect(isCalendarDate(date)).toBe(false),
  );

  it('refuses what is not a string', () => {
    expect([20260101, null, undefined, new Date(0)].map(isCalendarDate)).toEqual([false, false, false, false]);
  });
});

describe('addDays', () => {
  it.each([
    ['2026-12-07', 0, '2026-12-07'],
    ['2026-12-07', 25, '2027-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
    ['0099-12-31', 1, '0100-01-01'],
  ])('%s plus %i days is %s', (date, days, expected) => expect(addDays(date, days)).toBe(expected));
});
