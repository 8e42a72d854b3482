import { ValidateBy, ValidationOptions } from 'class-validator';
import { isCalendarDate } from '@flipside/domain';

/** A calendar date written YYYY-MM-DD that exists (no 2026-02-30). */
export const IsCalendarDate = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => isCalendarDate(value),
        defaultMessage: (args) => `${args?.property} must be a date written YYYY-MM-DD`,
      },
    },
    options,
  );
