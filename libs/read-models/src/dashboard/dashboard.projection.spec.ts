// The projector's test support commits events as its engine does (checkpoint, one transaction, the culprit named).
import { UnappliableEvent } from '../../../../apps/projector/src/engine/errors';
import { programScript } from '../../../../apps/projector/test/support/program-script';
import { GivenEvents, ReadModelDatabase, startReadModelDatabase } from '../../../../apps/projector/test/support/read-model-database';
import { DashboardProjection } from './dashboard.projection';

describe('Dashboard projection: given events, expected rows', () => {
  let rm: ReadModelDatabase | undefined;
  beforeAll(async () => {
    rm = await startReadModelDatabase();
  });
  afterAll(async () => {
    await rm?.close();
  });

  it('builds the program overview, participants, pairs, sessions, objectives and feedback of a program', async () => {
    if (!rm) return;
    const p = programScript('program-a');
    const given = new GivenEvents(new DashboardProjection(), rm.dataSource);
    await given.given(
      p.created('2025-03-01', 14, 30),
      p.enrolled('mentor-1', 'mentor'),
      p.enrolled('mentor-2', 'mentor'),
      p.enrolled('mentee-1', 'mentee'),
      p.enrolled('mentee-2', 'mentee'),
      p.enrolled('mentee-3', 'mentee'),
      p.trained('mentor-1'),
      p.trained('mentor-1', '2025-03-04'),
      p.trained('mentee-3'),
      p.launched('2025-03-02'),
      p.paired('pair-1', 'mentor-1', 'mentee-1', '2025-03-05'),
      p.paired('pair-2', 'mentor-2', 'mentee-2', '2025-03-05'),
    );
    // A second batch: rows written by the first are loaded and changed.
    await given.given(
      p.objectiveSet('pair-1', 'objective-1', '2025-03-06', 2),
      p.objectiveSet('pair-1', 'objective-2', '2025-03-06', 3),
      p.progress('pair-1', 'objective-1', 4),
      p.achieved('pair-1', 'objective-1', 7),
      p.dropped('pair-1', 'objective-2'),
      p.session('pair-1', 'session-1', '2025-03-08', 60),
      p.session('pair-1', 'session-2', '2025-03-15', 20),
      p.feedback('pair-1', 'feedback-1', 'mentee', 'mentee-1', 5),
      p.feedback('pair-1', 'feedback-2', 'mentor', 'mentor-1', 3),
      p.feedback('pair-2', 'feedback-3', 'mentee', 'mentee-2', 2, 'not-a-fit', '2025-03-21'),
    );
    await given.given(p.ended('pair-2', '2025-03-22', 'not-a-fit'), p.withdrawn('mentee-3', '2025-03-25'));

    const [program] = await rm.rows('programs');
    expect(program).toMatchObject({
      program_id: 'program-a',
      organization_id: 'acme',
      status: 'active',
      launched_on: '2025-03-02',
      session_every_days: 14,
      min_session_minutes: 30,
      mentors: 2,
      mentees: 2,
      withdrawn: 1,
      mentees_enrolled: 3,
      mentees_paired: 2,
      // mentee-2's pair ended; mentee-3 withdrew unpaired.
      unpaired_mentees: 1,
      active_pairs: 1,
      ended_pairs: 1,
      sessions_held: 2,
      minutes_mentored: 80,
      objectives_set: 2,
      objectives_achieved: 1,
      objectives_dropped: 1,
      knowledge_gain_sum: 5,
      mentor_rating_sum: 3,
      mentor_rating_count: 1,
      mentee_rating_sum: 7,
      mentee_rating_count: 2,
      // mentor-1 trained; mentee-3 trained but withdrew.
      participants_trained: 1,
      last_activity_on: '2025-03-25',
    });

    const participants = await rm.rows('participants', 'participant_id');
    expect(participants.map((row) => [row.participant_id, row.status, row.active_pairs, row.trainings_completed])).toEqual([
      ['mentee-1', 'enrolled', 1, 0],
      ['mentee-2', 'enrolled', 0, 0],
      ['mentee-3', 'withdrawn', 0, 1],
      ['mentor-1', 'enrolled', 1, 2],
      ['mentor-2', 'enrolled', 0, 0],
    ]);
    // v1 events pass the gate with personId = participantId.
    expect(participants[0]).toMatchObject({ role: 'mentee', department: 'Sales', seniority: 9, skills: ['video'], interests: ['strategy'], person_id: 'mentee-1', erased: false });

    const pairs = await rm.rows('pairs', 'pair_id');
    expect(pairs[0]).toMatchObject({
      pair_id: 'pair-1',
      mentor_person_id: 'mentor-1',
      mentee_person_id: 'mentee-1',
      mentor_name: 'Name of mentor-1',
      mentee_name: 'Name of mentee-1',
      status: 'active',
      sessions: 2,
      minutes: 80,
      last_session_on: '2025-03-15',
      // The 20-minute session is shorter than the cadence's 30 minutes.
      last_cadence_session_on: '2025-03-08',
      open_objectives: 0,
      achieved_objectives: 1,
      dropped_objectives: 1,
      rating_sum: 8,
      rating_count: 2,
      fit_concern: false,
    });
    expect(pairs[1]).toMatchObject({ pair_id: 'pair-2', status: 'ended', ended_on: '2025-03-22', end_reason: 'not-a-fit', fit_concern: true });

    const sessions = await rm.rows('sessions', 'session_id');
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({ held_on: '2025-03-08', duration_minutes: 60, format: 'video', topics: ['posting'], insights: 'Be brief' });
    expect(JSON.stringify(await rm.dataSource.query('SELECT * FROM read_models.sessions'))).not.toContain('SECRET-NOTE');

    const objectives = await rm.rows('objectives', 'objective_id');
    expect(objectives.map((row) => [row.objective_id, row.status, row.baseline_level, row.current_level, row.target_level])).toEqual([
      ['objective-1', 'achieved', 2, 7, 7],
      ['objective-2', 'dropped', 3, 3, 7],
    ]);
    const feedback = await rm.rows('feedback', 'feedback_id');
    expect(feedback.map((row) => [row.feedback_id, row.from_role, row.rating, row.fit, row.comment])).toEqual([
      ['feedback-1', 'mentee', 5, 'good', 'comment feedback-1'],
      ['feedback-2', 'mentor', 3, 'good', 'comment feedback-2'],
      ['feedback-3', 'mentee', 2, 'not-a-fit', 'comment feedback-3'],
    ]);
  });

  it('ignores event types it does not know, and names the event it cannot apply', async () => {
    if (!rm) return;
    const p = programScript('program-b');
    const given = new GivenEvents(new DashboardProjection(), rm.dataSource);
    await given.given(p.created(), { type: 'SomethingFromTheFuture', data: { programId: 'program-b' } }, p.launched());
    expect((await rm.rows('programs')).find((row) => row.program_id === 'program-b')).toMatchObject({ status: 'active' });

    const broken = p.enrolled('mentor-9', 'mentor');
    delete (broken.data as Record<string, unknown>).role;
    await expect(given.given(p.enrolled('mentee-9', 'mentee'), broken)).rejects.toThrow(UnappliableEvent);
    await expect(given.given(broken)).rejects.toThrow(/ParticipantEnrolled .* cannot be applied: role must be one of mentor, mentee/);
    // The good event before the culprit was kept; nothing of the culprit was.
    const enrolled = (await rm.rows('participants')).filter((row) => row.program_id === 'program-b').map((row) => row.participant_id);
    expect(enrolled).toEqual(['mentee-9']);
  });

  it('copies personal fields as stored (ciphertext), takes person ids, and marks an erased person without changing a count', async () => {
    if (!rm) return;
    const p = programScript('program-c');
    const sealed = (n: number) => `pd1:00000000-0000-4000-8000-${String(n).padStart(12, '0')}:${Buffer.from(`cipher ${n}`).toString('base64')}`;
    const v2 = (event: { type: string; data: Record<string, unknown> }, data: Record<string, unknown>) => ({
      type: event.type,
      data: { ...event.data, ...data },
      schemaVersion: 2,
    });
    const given = new GivenEvents(new DashboardProjection(), rm.dataSource);
    await given.given(
      p.created(),
      v2(p.enrolled('c-mentor', 'mentor'), { personId: 'emp-100', displayName: sealed(1), email: sealed(2) }),
      v2(p.enrolled('c-mentee', 'mentee'), { personId: 'emp-200', displayName: sealed(3), email: sealed(4) }),
      p.enrolled('c-old', 'mentee'),
      p.launched(),
      p.paired('pair-c', 'c-mentor', 'c-mentee'),
      v2(p.session('pair-c', 'session-c', '2025-03-08', 60), { insights: sealed(5), confidentialNotes: sealed(6), actionItems: [{ description: sealed(7), owner: 'mentee', dueOn: '2025-04-01' }] }),
      v2(p.objectiveSet('pair-c', 'objective-c'), { title: sealed(8), successCriteria: sealed(9) }),
      v2(p.feedback('pair-c', 'feedback-c', 'mentee', 'c-mentee', 4), { comment: sealed(10) }),
    );
    const before = (await rm.rows('programs')).find((row) => row.program_id === 'program-c');
    await given.given(
      { type: 'PersonErased', data: { programId: 'program-c', participantId: 'c-mentee', personId: 'emp-200', erasedOn: '2025-04-02' }, schemaVersion: 2 },
      { type: 'PersonErased', data: { programId: 'program-c', participantId: 'c-old', personId: 'c-old', erasedOn: '2025-04-02' }, schemaVersion: 2 },
    );
    expect((await rm.rows('programs')).find((row) => row.program_id === 'program-c')).toEqual(before);

    const participants = (await rm.rows('participants', 'participant_id')).filter((row) => row.program_id === 'program-c');
    expect(participants.map((row) => [row.participant_id, row.person_id, row.display_name, row.email, row.erased])).toEqual([
      ['c-mentee', 'emp-200', sealed(3), sealed(4), true],
      ['c-mentor', 'emp-100', sealed(1), sealed(2), false],
      // Written before encryption: no key can shred it, so the row lets go of it.
      ['c-old', 'c-old', null, null, true],
    ]);
    const [pair] = (await rm.rows('pairs')).filter((row) => row.pair_id === 'pair-c');
    expect(pair).toMatchObject({ mentor_person_id: 'emp-100', mentee_person_id: 'emp-200', mentor_name: sealed(1), mentee_name: sealed(3), sessions: 1 });
    const [session] = (await rm.rows('sessions')).filter((row) => row.session_id === 'session-c');
    expect(session).toMatchObject({ insights: sealed(5), action_items: [{ description: sealed(7), owner: 'mentee', dueOn: '2025-04-01' }] });
    const [objective] = (await rm.rows('objectives')).filter((row) => row.objective_id === 'objective-c');
    expect(objective).toMatchObject({ title: sealed(8), success_criteria: sealed(9) });
    const [feedback] = (await rm.rows('feedback')).filter((row) => row.feedback_id === 'feedback-c');
    expect(feedback).toMatchObject({ comment: sealed(10), rating: 4 });
    expect(JSON.stringify(await rm.dataSource.query('SELECT * FROM read_models.sessions'))).not.toContain(sealed(6));
  });
  describe("the engagement automation's marks on a pair: open flags and the announced end", () => {
    /** A launched program with one running pair, `pair-<programId>`, and the projection fed so far. */
    async function runningPair(programId: string) {
      const p = programScript(programId);
      const pairId = `pair-${programId}`;
      const given = new GivenEvents(new DashboardProjection(), rm!.dataSource);
      await given.given(
        p.created(),
        p.enrolled(`${programId}-mentor`, 'mentor'),
        p.enrolled(`${programId}-mentee`, 'mentee'),
        p.launched('2025-03-02'),
        p.paired(pairId, `${programId}-mentor`, `${programId}-mentee`, '2025-03-05'),
      );
      const pair = async () => (await rm!.rows('pairs')).find((row) => row.pair_id === pairId)!;
      const program = async () => (await rm!.rows('programs')).find((row) => row.program_id === programId)!;
      return { p, pairId, given, pair, program };
    }

    it('a new pair has no open flag and no announced end', async () => {
      if (!rm) return;
      const { pair } = await runningPair('flags-new');
      expect(await pair()).toMatchObject({ open_flags: [], ending_on: null });
    });

    it('keeps each flag raised, with its date, in the order raised, across batches', async () => {
      if (!rm) return;
      const { p, pairId, given, pair } = await runningPair('flags-order');
      await given.given(p.flagged(pairId, 'no-first-session', '2025-03-19'));
      // A second batch: the row's flags are loaded from the table and the next one is appended.
      await given.given(p.flagged(pairId, 'stalled', '2025-04-02'), p.flagged(pairId, 'check-in-due', '2025-04-03'));
      expect((await pair()).open_flags).toEqual([
        { flag: 'no-first-session', since: '2025-03-19' },
        { flag: 'stalled', since: '2025-04-02' },
        { flag: 'check-in-due', since: '2025-04-03' },
      ]);
    });

    it('keeps a flag once: a second PairFlagged for an open flag changes nothing, its first date stays', async () => {
      if (!rm) return;
      const { p, pairId, given, pair } = await runningPair('flags-once');
      await given.given(p.flagged(pairId, 'check-in-due', '2025-03-19'), p.flagged(pairId, 'check-in-due', '2025-03-20'));
      await given.given(p.flagged(pairId, 'check-in-due', '2025-03-21'));
      expect((await pair()).open_flags).toEqual([{ flag: 'check-in-due', since: '2025-03-19' }]);
    });

    it('keeps the announced automatic end; a later announcement replaces it', async () => {
      if (!rm) return;
      const { p, pairId, given, pair } = await runningPair('flags-warned');
      await given.given(p.endingWarned(pairId, '2025-06-03'));
      expect((await pair()).ending_on).toBe('2025-06-03');
      // The policy was lengthened: the automation warns again, of a later end.
      await given.given(p.endingWarned(pairId, '2025-06-20'));
      expect((await pair()).ending_on).toBe('2025-06-20');
    });

    it('a session held clears every open flag and the announced end; the next lapse flags again', async () => {
      if (!rm) return;
      const { p, pairId, given, pair } = await runningPair('flags-cleared');
      await given.given(
        p.flagged(pairId, 'check-in-due', '2025-03-19'),
        p.flagged(pairId, 'stalled', '2025-04-02'),
        p.endingWarned(pairId, '2025-06-03'),
      );
      // A session too short for the cadence ends the lapse all the same (as the automation counts it).
      await given.given(p.session(pairId, `${pairId}-s1`, '2025-04-10', 10));
      expect(await pair()).toMatchObject({ open_flags: [], ending_on: null, sessions: 1 });

      await given.given(p.flagged(pairId, 'check-in-due', '2025-04-24'));
      expect((await pair()).open_flags).toEqual([{ flag: 'check-in-due', since: '2025-04-24' }]);
    });

    it('an ended pair has no open flag and no announced end, whatever ended it', async () => {
      if (!rm) return;
      const { p, pairId, given, pair } = await runningPair('flags-ended');
      await given.given(p.flagged(pairId, 'stalled', '2025-04-02'), p.endingWarned(pairId, '2025-06-03'));
      await given.given(p.pairClosed(pairId, '2025-06-03'), p.ended(pairId, '2025-06-03', 'inactive'));
      expect(await pair()).toMatchObject({ status: 'ended', end_reason: 'inactive', ended_on: '2025-06-03', open_flags: [], ending_on: null });
      // The pair's fence lets nothing follow its end; were a flag or a warning to, an ended pair would still show none.
      await given.given(p.flagged(pairId, 'check-in-due', '2025-06-04'), p.endingWarned(pairId, '2025-07-01'));
      expect(await pair()).toMatchObject({ status: 'ended', open_flags: [], ending_on: null });
    });

    it("is not the program's activity, and FeedbackRequested, PairClosed and EngagementPolicySet change no row", async () => {
      if (!rm) return;
      const { p, pairId, given, pair, program } = await runningPair('flags-quiet');
      await given.given(p.session(pairId, `${pairId}-s1`, '2025-03-06', 45));
      const [pairBefore, programBefore] = [await pair(), await program()];
      await given.given(
        p.policySet({ firstSessionWithinDays: 14, checkInAfterDays: 14, stalledAfterDays: 28, autoEndAfterDays: 90, warnDaysBefore: 7, feedbackDueDays: 3, closeProgramAtEnd: true }, '2025-04-01'),
        p.feedbackRequested(pairId, `${pairId}-s1`, 'mentee'),
        p.flagged(pairId, 'check-in-due', '2025-04-20'),
        p.endingWarned(pairId, '2025-06-04'),
        p.pairClosed(pairId, '2025-06-04', 'completed'),
      );
      // A flag says nothing happened: the program's last activity stays the session's day.
      expect(await program()).toEqual(programBefore);
      expect(await pair()).toEqual({ ...pairBefore, open_flags: [{ flag: 'check-in-due', since: '2025-04-20' }], ending_on: '2025-06-04' });
    });

    it('names a PairFlagged it cannot apply (an unknown flag, a pair of another program)', async () => {
      if (!rm) return;
      const { p, pairId, given } = await runningPair('flags-broken');
      await expect(given.given(p.flagged(pairId, 'bored' as 'stalled', '2025-04-02'))).rejects.toThrow(/PairFlagged .* cannot be applied: flag must be one of no-first-session, check-in-due, stalled/);
      const other = programScript('flags-elsewhere');
      await expect(given.given(other.flagged(pairId, 'stalled', '2025-04-02'))).rejects.toThrow(/belongs to program flags-broken/);
    });
  });
});
