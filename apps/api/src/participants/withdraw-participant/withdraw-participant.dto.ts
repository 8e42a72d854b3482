import { IsString, Length } from 'class-validator';
import { LIMITS } from '@flipside/domain';

export class WithdrawParticipantDto {
  @IsString() @Length(LIMITS.withdrawalReason.minLength, LIMITS.withdrawalReason.maxLength)
  reason!: string;
}
