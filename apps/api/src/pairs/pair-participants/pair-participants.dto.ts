import { IsIn, IsNumber, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { LIMITS, PAIRED_BY, PairedBy } from '@flipside/domain';

export class PairParticipantsDto {
  /** Optional client-chosen pair id. */
  @MayBeOmitted() @IsUUID()
  id?: string;

  @IsUUID()
  mentorId!: string;

  @IsUUID()
  menteeId!: string;

  /** Who proposed the pair; default admin. */
  @MayBeOmitted() @IsIn(PAIRED_BY)
  pairedBy?: PairedBy;

  @MayBeOmitted() @IsNumber() @Min(LIMITS.matchScore.min) @Max(LIMITS.matchScore.max)
  matchScore?: number;

  @MayBeOmitted() @IsString() @MaxLength(LIMITS.pairingRationale.maxLength)
  rationale?: string;
}
