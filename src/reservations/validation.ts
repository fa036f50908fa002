import { Type } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { DATE_ONLY_PATTERN, fromDateOnly, toDateOnly } from './dates';

/** Largest Postgres `integer`: a bigger listing id would fail in the database as a 500, not as a 400. */
export const MAX_INT4 = 2_147_483_647;

function isCalendarDay(day: string): boolean {
  const date = fromDateOnly(day);
  return !Number.isNaN(date.getTime()) && toDateOnly(date) === day;
}

/** A calendar day written yyyy-MM-dd (2025-02-30 is refused, not rolled over). */
export function IsDateOnly(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDateOnly',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && DATE_ONLY_PATTERN.test(value) && isCalendarDay(value),
        defaultMessage: () => '$property must be a date written yyyy-MM-dd',
      },
    },
    options,
  );
}

/** A listing id from the query string or the path: a positive Postgres integer, one message when it is not. */
export function IsListingId(): PropertyDecorator {
  return applyDecorators(
    Type(() => Number),
    ValidateBy({
      name: 'isListingId',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_INT4,
        defaultMessage: () => `$property must be an integer from 1 to ${MAX_INT4}`,
      },
    }),
  );
}
