import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ADMIN_PAIR_END_REASONS, AdminPairEndReason, LIMITS } from '@flipside/domain';

export class EndPairDto {
  /** `withdrawn` and `program-closed` are recorded by the system only. */
  @IsIn(ADMIN_PAIR_END_REASONS)
  reason!: AdminPairEndReason;

  @IsOptional() @IsString() @MaxLength(LIMITS.pairEndNote.maxLength)
  note?: string;
}
