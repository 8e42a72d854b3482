import { EVENT_TYPES } from './event-schemas';
import { personalDataFields } from './personal-data';

describe('personalDataFields (read from the x-personal-data annotations of the v2 schemas)', () => {
  it('lists exactly the personal fields of each event type, with the key that encrypts them', () => {
    const all = Object.fromEntries(
      EVENT_TYPES.map((type) => [type, personalDataFields(type).map(({ path, key }) => `${path}:${key}`)]),
    );
    expect(all).toEqual({
      ProgramCreated: [],
      ProgramLaunched: [],
      ProgramClosed: [],
      ParticipantEnrolled: ['displayName:person', 'email:person'],
      ParticipantWithdrawn: ['reason:person'],
      TrainingCompleted: [],
      Paired: ['rationale:pair'],
      PairEnded: ['note:pair'],
      PersonErased: [],
      ObjectiveSet: ['title:pair', 'successCriteria:pair'],
      ObjectiveProgressRecorded: ['note:pair'],
      ObjectiveAchieved: [],
      ObjectiveDropped: ['reason:pair'],
      SessionHeld: ['insights:pair', 'actionItems[].description:pair', 'confidentialNotes:pair'],
      FeedbackGiven: ['comment:pair'],
      EngagementPolicySet: [],
      PairFlagged: [],
      PairEndingWarned: [],
      FeedbackRequested: [],
      PairClosed: [],
    });
  });

  it('gives frozen lists, the same each time', () => {
    expect(Object.isFrozen(personalDataFields('SessionHeld'))).toBe(true);
    expect(personalDataFields('SessionHeld')).toBe(personalDataFields('SessionHeld'));
  });
});
