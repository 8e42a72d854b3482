import { IsIn, IsNumber, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { LIMITS, PAIRED_BY, PairedBy } from '@flipside/domain';

export class PairParticipantsDto {
  /** Optional client-chosen pair id. */
  @IsOptional() @IsUUID()
  id?: string;

  @IsUUID()
  mentorId!: string;

  @IsUUID()
  menteeId!: string;

  /** Who proposed the pair; default admin. */
  @IsOptional() @IsIn(PAIRED_BY)
  pairedBy?: PairedBy;

  @IsOptional() @IsNumber() @Min(LIMITS.matchScore.min) @Max(LIMITS.matchScore.max)
  matchScore?: number;

  @IsOptional() @IsString() @MaxLength(LIMITS.pairingRationale.maxLength)
  rationale?: string;
}
