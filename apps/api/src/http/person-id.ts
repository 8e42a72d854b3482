import { applyDecorators, Param, PipeTransform } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { Length, Matches } from 'class-validator';
import { LIMITS } from '@flipside/domain';
import { problems } from './problem';

const PERSON_ID = new RegExp(LIMITS.personId.pattern);
const RULE = `letters, digits and - _ . : @ only, ${LIMITS.personId.minLength} to ${LIMITS.personId.maxLength} characters`;

/** Person ids are compared lower-case everywhere (bodies, paths and participant tokens), as ids and emails are. */
export const canonicalPersonId = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);

export const isPersonId = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length >= LIMITS.personId.minLength &&
  value.length <= LIMITS.personId.maxLength &&
  PERSON_ID.test(value);

/** A person id in a body (the organization's employee id), lower-cased before it is validated and used. */
export const IsPersonId = () =>
  applyDecorators(
    Transform(({ value }) => canonicalPersonId(value)),
    Length(LIMITS.personId.minLength, LIMITS.personId.maxLength),
    Matches(PERSON_ID, { message: ({ property }) => `${property} must be a person id: ${RULE}` }),
  );

/** A person id in the path: anything else is a 400 naming the parameter (the value is never echoed). */
export const PersonIdParam = (name: string) => {
  const toPersonId: PipeTransform<string, string> = {
    transform: (value) => {
      if (!isPersonId(value)) throw problems.invalidRequest([{ field: name, message: `${name} must be a person id: ${RULE}` }]);
      return value.toLowerCase();
    },
  };
  return Param(name, toPersonId);
};
