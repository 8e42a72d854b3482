import { EngagementEvent, evolvePairFacts, evolveProgramFacts, PairFacts, ProgramFacts } from './engagement.facts';
import { endDatePassedOutcome } from '../program/engagement-policy';
import { commandFor, pairTimers, policyOf, programTimers } from './engagement.timers';

/**
 * Given the log so far, which timers are armed, and what a due one asks of the deciders. Programs here meet
 * every 14 days (check-in after 14, stalled after 28), end on 2027-06-30, and launch on 2027-01-04.
 */
const program = (...more: EngagementEvent[]): EngagementEvent[] => [
  {
    type: 'ProgramCreated',
    data: { programId: 'prog', organizationId: 'org', endsOn: '2027-06-30', cadence: { sessionEveryDays: 14, minSessionMinutes: 30 } },
  },
  { type: 'ProgramLaunched', data: { programId: 'prog', launchedOn: '2027-01-04' } },
  ...more,
];
const paired = (pairedOn: string): EngagementEvent => ({ type: 'Paired', data: { programId: 'prog', pairId: 'p1', pairedOn } });
const session = (sessionId: string, heldOn: string, loggedOn = heldOn): EngagementEvent => ({
  type: 'SessionHeld',
  data: { programId: 'prog', pairId: 'p1', sessionId, heldOn, loggedOn },
});

function given(...events: EngagementEvent[]) {
  let programFacts: ProgramFacts | undefined;
  let pairFacts: PairFacts | undefined;
  for (const event of events) {
    programFacts = evolveProgramFacts(programFacts, event);
    pairFacts = evolvePairFacts(pairFacts, event);
  }
  const timers = [...(programFacts ? programTimers(programFacts) : []), ...(programFacts && pairFacts ? pairTimers(programFacts, pairFacts) : [])];
  return {
    /** Armed timers as "kind dueOn" (feedback with its side), sorted: what the automation would act on, and when. */
    armed: () => timers.map((t) => `${t.kind}${t.fromRole ? `/${t.fromRole}` : ''} ${t.dueOn}`).sort(),
    timer: (kind: string) => {
      const found = timers.find((t) => t.kind === kind);
      if (!found) throw new Error(`No ${kind} timer among ${timers.map((t) => t.kind).join(', ')}`);
      return found;
    },
    policy: () => policyOf(programFacts!),
  };
}

describe('engagement timers', () => {
  it('a draft program arms only its closing; its pairs start counting at the launch', () => {
    const [created] = program();
    expect(given(created, paired('2026-12-20')).armed()).toEqual(['program-end 2027-07-01']);
    expect(given(...program(paired('2026-12-20'))).armed()).toEqual([
      'no-first-session 2027-01-18',
      'pair-ending-warning 2027-03-28',
      'program-end 2027-07-01',
    ]);
  });

  it('a new pair waits firstSessionWithinDays for its first session, and 90 days (warned 7 before) before it is ended', () => {
    expect(given(...program(paired('2027-01-10'))).armed()).toEqual([
      'no-first-session 2027-01-24',
      'pair-ending-warning 2027-04-03',
      'program-end 2027-07-01',
    ]);
  });

  it('a session clears the lapse: check-in after one cadence, stalled after two, the end counted from the session; feedback asked from both sides after 3 days', () => {
    const facts = given(...program(paired('2027-01-10'), session('s1', '2027-01-15', '2027-01-16')));
    expect(facts.armed()).toEqual([
      'check-in-due 2027-01-29',
      'feedback-due/mentee 2027-01-19',
      'feedback-due/mentor 2027-01-19',
      'pair-ending-warning 2027-04-08',
      'program-end 2027-07-01',
      'stalled 2027-02-12',
    ]);
  });

  it('a session logged late does not move the lapse back: the latest day held counts', () => {
    const facts = given(...program(paired('2027-01-10'), session('s2', '2027-02-01'), session('s1', '2027-01-15', '2027-02-02')));
    expect(facts.timer('check-in-due').dueOn).toBe('2027-02-15');
  });

  it('a flag is raised once per lapse: once flagged it is not armed again until a session starts a new lapse', () => {
    const flagged: EngagementEvent = { type: 'PairFlagged', data: { programId: 'prog', pairId: 'p1', flag: 'check-in-due' } };
    const events = program(paired('2027-01-10'), session('s1', '2027-01-15'), flagged);
    expect(given(...events).armed()).not.toContainEqual(expect.stringMatching(/^check-in-due/));
    expect(given(...events, session('s2', '2027-02-01')).armed()).toContain('check-in-due 2027-02-15');
  });

  it('feedback given (or asked for) settles that side only; both sides settled, nothing is awaited', () => {
    const mentor: EngagementEvent = { type: 'FeedbackGiven', data: { programId: 'prog', pairId: 'p1', sessionId: 's1', fromRole: 'mentor' } };
    const mentee: EngagementEvent = { type: 'FeedbackRequested', data: { programId: 'prog', pairId: 'p1', sessionId: 's1', fromRole: 'mentee' } };
    const events = program(paired('2027-01-10'), session('s1', '2027-01-15'));
    expect(given(...events, mentor).armed().filter((t) => t.startsWith('feedback'))).toEqual(['feedback-due/mentee 2027-01-18']);
    expect(given(...events, mentor, mentee).armed().filter((t) => t.startsWith('feedback'))).toEqual([]);
  });

  it('once warned, the pair is ended on the announced day unless a session comes first', () => {
    const warned: EngagementEvent = { type: 'PairEndingWarned', data: { programId: 'prog', pairId: 'p1', endsOn: '2027-04-20' } };
    const events = program(paired('2027-01-10'), warned);
    expect(given(...events).armed()).toContain('inactive-pair-end 2027-04-20');
    expect(given(...events, session('s1', '2027-04-15')).armed()).toContain('pair-ending-warning 2027-07-07');
  });

  it('a warning stands for the end it announced: a policy lengthened since asks for a new warning, a shortened one keeps the announced day', () => {
    const warned: EngagementEvent = { type: 'PairEndingWarned', data: { programId: 'prog', pairId: 'p1', endsOn: '2027-04-10' } };
    const withAutoEnd = (autoEndAfterDays: number): EngagementEvent => ({
      type: 'EngagementPolicySet',
      data: {
        programId: 'prog',
        policy: { firstSessionWithinDays: 14, checkInAfterDays: 14, stalledAfterDays: 28, autoEndAfterDays, warnDaysBefore: 7, feedbackDueDays: 3, closeProgramAtEnd: true },
      },
    });
    const events = program(paired('2027-01-10'), warned);
    expect(given(...events, withAutoEnd(120)).armed()).toContain('pair-ending-warning 2027-05-03');
    expect(given(...events, withAutoEnd(60)).armed()).toContain('inactive-pair-end 2027-04-10');
  });

  it('an ended pair or a closed program arms nothing more', () => {
    const ended: EngagementEvent = { type: 'PairEnded', data: { programId: 'prog', pairId: 'p1' } };
    const closed: EngagementEvent = { type: 'ProgramClosed', data: { programId: 'prog' } };
    expect(given(...program(paired('2027-01-10'), ended)).armed()).toEqual(['program-end 2027-07-01']);
    expect(given(...program(paired('2027-01-10'), closed)).armed()).toEqual([]);
  });

  it('the policy in force rules the timers: no automatic end, no automatic close, other delays', () => {
    const policy: EngagementEvent = {
      type: 'EngagementPolicySet',
      data: {
        programId: 'prog',
        policy: {
          firstSessionWithinDays: 5,
          checkInAfterDays: 10,
          stalledAfterDays: 30,
          autoEndAfterDays: null,
          warnDaysBefore: 7,
          feedbackDueDays: 1,
          closeProgramAtEnd: false,
        },
      },
    };
    expect(given(...program(policy, paired('2027-01-10'))).armed()).toEqual(['no-first-session 2027-01-15']);
  });

  it('the same facts always arm the same timer ids; a changed due day is another timer', () => {
    const once = given(...program(paired('2027-01-10'))).timer('no-first-session');
    const again = given(...program(paired('2027-01-10'))).timer('no-first-session');
    const later = given(...program(paired('2027-01-11'))).timer('no-first-session');
    expect(again.id).toBe(once.id);
    expect(later.id).not.toBe(once.id);
  });
});

describe('what a due timer asks of the deciders', () => {
  const facts = given(...program(paired('2027-01-10'), session('s1', '2027-01-15')));

  it('a lapse flags the pair, since the day it fell due', () => {
    expect(commandFor(facts.timer('stalled'), '2027-02-20', facts.policy())).toEqual({
      stream: 'pair',
      programId: 'prog',
      pairId: 'p1',
      type: 'FlagPair',
      data: { flag: 'stalled', since: '2027-02-12', lapseStartedOn: '2027-01-15' },
    });
  });

  it('a warning announces the end it was armed for, or, given late, an end still warnDaysBefore away', () => {
    const warning = facts.timer('pair-ending-warning');
    expect(commandFor(warning, '2027-04-08', facts.policy()).data).toEqual({ endsOn: '2027-04-15', lastActiveOn: '2027-01-15' });
    expect(commandFor(warning, '2027-05-01', facts.policy()).data).toEqual({ endsOn: '2027-05-08', lastActiveOn: '2027-01-15' });
  });

  it('the program is closed with an outcome saying its end date passed', () => {
    expect(commandFor(facts.timer('program-end'), '2027-07-01', facts.policy())).toEqual({
      stream: 'program',
      programId: 'prog',
      type: 'CloseProgram',
      data: { programId: 'prog', outcome: endDatePassedOutcome('2027-06-30') },
    });
  });
});
