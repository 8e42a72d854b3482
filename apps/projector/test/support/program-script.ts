/**
 * Events of one small program, written the way the deciders produce them, for projection specs. Each helper
 * returns the event so a spec reads as a list of what happened.
 */
export function programScript(programId = 'program-1', organizationId = 'acme') {
  const e = (type: string, data: Record<string, unknown>) => ({ type, data: { programId, ...data } });
  return {
    created: (createdOn = '2025-03-01', sessionEveryDays = 14, minSessionMinutes = 30) =>
      e('ProgramCreated', {
        organizationId, name: 'Digital fluency', description: 'Leaders learn from juniors', focusAreas: ['technology'],
        goals: ['Post monthly'], cadence: { sessionEveryDays, minSessionMinutes }, startsOn: '2025-03-01',
        endsOn: '2025-08-31', maxMenteesPerMentor: 2, pairingRule: 'reverse', createdOn,
      }),
    launched: (launchedOn = '2025-03-02') => e('ProgramLaunched', { launchedOn }),
    closed: (closedOn = '2025-09-01') => e('ProgramClosed', { closedOn, outcome: 'Done' }),
    enrolled: (participantId: string, role: 'mentor' | 'mentee', enrolledOn = '2025-03-01') =>
      e('ParticipantEnrolled', {
        participantId, role, displayName: `Name of ${participantId}`, email: `${participantId}@acme.example`,
        seniority: role === 'mentor' ? 2 : 9, department: 'Sales', skills: ['video'], interests: ['strategy'],
        enrolledOn,
      }),
    withdrawn: (participantId: string, withdrawnOn = '2025-04-01') => e('ParticipantWithdrawn', { participantId, reason: 'Left', withdrawnOn }),
    trained: (participantId: string, completedOn = '2025-03-03') => e('TrainingCompleted', { participantId, module: 'Mentoring 101', completedOn }),
    paired: (pairId: string, mentorId: string, menteeId: string, pairedOn = '2025-03-05') =>
      e('Paired', { pairId, mentorId, menteeId, pairedBy: 'admin', pairedOn }),
    ended: (pairId: string, endedOn = '2025-04-01', reason = 'completed') => e('PairEnded', { pairId, reason, note: '', endedOn }),
    objectiveSet: (pairId: string, objectiveId: string, setOn = '2025-03-06', baselineLevel = 2) =>
      e('ObjectiveSet', {
        pairId, objectiveId, title: 'Post on LinkedIn', area: 'technology', successCriteria: 'Two posts',
        targetDate: '2025-06-01', baselineLevel, targetLevel: 7, setOn,
      }),
    progress: (pairId: string, objectiveId: string, level: number, recordedOn = '2025-03-10') =>
      e('ObjectiveProgressRecorded', { pairId, objectiveId, level, note: '', recordedOn }),
    achieved: (pairId: string, objectiveId: string, finalLevel: number, achievedOn = '2025-03-20') =>
      e('ObjectiveAchieved', { pairId, objectiveId, finalLevel, achievedOn }),
    dropped: (pairId: string, objectiveId: string, droppedOn = '2025-03-20') => e('ObjectiveDropped', { pairId, objectiveId, reason: 'Duplicate', droppedOn }),
    session: (pairId: string, sessionId: string, heldOn: string, durationMinutes = 45) =>
      e('SessionHeld', {
        pairId, sessionId, heldOn, durationMinutes, format: 'video', topics: ['posting'], insights: 'Be brief',
        actionItems: [{ description: 'Draft a post', owner: 'mentee', dueOn: '2025-04-01' }],
        confidentialNotes: 'SECRET-NOTE', loggedOn: heldOn,
      }),
    feedback: (pairId: string, feedbackId: string, fromRole: 'mentor' | 'mentee', givenBy: string, rating: number, fit = 'good', givenOn = '2025-03-12') =>
      e('FeedbackGiven', { pairId, feedbackId, fromRole, givenBy, rating, comment: `comment ${feedbackId}`, fit, givenOn }),
    // The engagement automation's events (actor system:engagement).
    flagged: (pairId: string, flag: 'no-first-session' | 'check-in-due' | 'stalled', since: string) => e('PairFlagged', { pairId, flag, since }),
    endingWarned: (pairId: string, endsOn: string) => e('PairEndingWarned', { pairId, endsOn }),
    feedbackRequested: (pairId: string, sessionId: string, fromRole: 'mentor' | 'mentee') => e('FeedbackRequested', { pairId, sessionId, fromRole }),
    pairClosed: (pairId: string, closedOn: string, reason = 'inactive') => e('PairClosed', { pairId, reason, closedOn }),
    policySet: (policy: Record<string, unknown>, setOn = '2025-03-02') => e('EngagementPolicySet', { policy, setOn }),
  };
}
