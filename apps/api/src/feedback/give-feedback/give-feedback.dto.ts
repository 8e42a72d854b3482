import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { IsId } from '../../http/is-id';
import { FIT_ANSWERS, FitAnswer, LIMITS, PARTICIPANT_ROLES, ParticipantRole } from '@flipside/domain';

export class GiveFeedbackDto {
  /** Optional client-chosen feedback id. */
  @MayBeOmitted() @IsId()
  id?: string;

  /** The session this feedback is about, if any: one feedback per giver per session. */
  @MayBeOmitted() @IsId()
  sessionId?: string;

  @IsIn(PARTICIPANT_ROLES)
  fromRole!: ParticipantRole;

  /** The pair member giving it; a participant may only give feedback as one of its own participant records. */
  @IsId()
  givenBy!: string;

  @IsInt() @Min(LIMITS.rating.min) @Max(LIMITS.rating.max)
  rating!: number;

  /** Free text, for admins only: never in read models for participants, never on Kafka. */
  @MayBeOmitted() @IsString() @MaxLength(LIMITS.feedbackComment.maxLength)
  comment?: string;

  @IsIn(FIT_ANSWERS)
  fit!: FitAnswer;
}
