import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { IsId } from '../../http/is-id';
import { IsCalendarDate } from '../../http/calendar-date';
import { FOCUS_AREAS, FocusArea, LIMITS, PAIRING_RULES, PairingRule } from '@flipside/domain';
import { EngagementPolicyDto } from '../set-engagement-policy/set-engagement-policy.dto';

export class CadenceDto {
  @IsInt() @Min(LIMITS.sessionEveryDays.min) @Max(LIMITS.sessionEveryDays.max)
  sessionEveryDays!: number;

  @IsInt() @Min(LIMITS.minSessionMinutes.min) @Max(LIMITS.minSessionMinutes.max)
  minSessionMinutes!: number;
}

export class CreateProgramDto {
  /** Optional client-chosen id: sending the same creation again answers with the first result. */
  @MayBeOmitted() @IsId()
  id?: string;

  @IsString() @Length(LIMITS.programName.minLength, LIMITS.programName.maxLength)
  name!: string;

  @MayBeOmitted() @IsString() @MaxLength(LIMITS.programDescription.maxLength)
  description?: string;

  @ArrayMinSize(LIMITS.focusAreasPerProgram.min) @ArrayUnique() @IsIn(FOCUS_AREAS, { each: true })
  focusAreas!: FocusArea[];

  @ArrayMinSize(LIMITS.goalsPerProgram.min) @ArrayMaxSize(LIMITS.goalsPerProgram.max)
  @IsString({ each: true }) @Length(LIMITS.goal.minLength, LIMITS.goal.maxLength, { each: true })
  goals!: string[];

  @IsObject() @ValidateNested() @Type(() => CadenceDto)
  cadence!: CadenceDto;

  @IsCalendarDate()
  startsOn!: string;

  @IsCalendarDate()
  endsOn!: string;

  @MayBeOmitted() @IsInt() @Min(LIMITS.maxMenteesPerMentor.min) @Max(LIMITS.maxMenteesPerMentor.max)
  maxMenteesPerMentor?: number;

  @MayBeOmitted() @IsIn(PAIRING_RULES)
  pairingRule?: PairingRule;

  /** The program's engagement policy from the start; figures left out (or the whole of it) take their defaults. */
  @MayBeOmitted() @IsObject() @ValidateNested() @Type(() => EngagementPolicyDto)
  engagementPolicy?: EngagementPolicyDto;
}
