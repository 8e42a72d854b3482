import { IsIn, IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { IsId } from '../../http/is-id';
import { LIMITS, PAIRED_BY, PairedBy } from '@flipside/domain';

export class PairParticipantsDto {
  /** Optional client-chosen pair id. */
  @MayBeOmitted() @IsId()
  id?: string;

  @IsId()
  mentorId!: string;

  @IsId()
  menteeId!: string;

  /** Who proposed the pair; default admin. */
  @MayBeOmitted() @IsIn(PAIRED_BY)
  pairedBy?: PairedBy;

  @MayBeOmitted() @IsNumber() @Min(LIMITS.matchScore.min) @Max(LIMITS.matchScore.max)
  matchScore?: number;

  @MayBeOmitted() @IsString() @MaxLength(LIMITS.pairingRationale.maxLength)
  rationale?: string;
}
