import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { BOOKING_CODE_PATTERN } from '../plum/plum.types';

// The webhook envelope is four fields on the hottest path of the service; checking them directly
// costs a fraction of class-transformer + class-validator (measured in docs/benchmarks.md). The DTO
// classes in dto/webhook-payload.dto.ts describe the same contract for OpenAPI.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_8601 = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

export interface BookingEventPayload {
  eventId: string;
  timestamp: string;
  bookingCode: string;
  listingId: null;
}

export interface ListingEventPayload {
  eventId: string;
  timestamp: string;
  bookingCode: null;
  listingId: number;
}

function isIso8601(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_8601.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  // Date.parse rolls 2025-02-30 over into March; a real calendar day round-trips.
  return new Date(`${match[1]}T00:00:00Z`).toISOString().startsWith(match[1]);
}

function commonProblems(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof body.eventId !== 'string' || !UUID.test(body.eventId)) problems.push('eventId must be a UUID');
  if (!isIso8601(body.timestamp)) problems.push('timestamp must be an ISO 8601 date-time');
  return problems;
}

export function bookingEventProblems(body: Record<string, unknown>): string[] {
  const problems = commonProblems(body);
  if (typeof body.bookingCode !== 'string') problems.push('bookingCode must be a string');
  else if (!BOOKING_CODE_PATTERN.test(body.bookingCode)) problems.push('bookingCode must be 1-64 characters of A-Z, a-z, 0-9, _ or -');
  if (body.listingId !== undefined && body.listingId !== null && !Number.isSafeInteger(body.listingId)) problems.push('listingId must be null or an integer');
  return problems;
}

export function listingEventProblems(body: Record<string, unknown>): string[] {
  const problems = commonProblems(body);
  if (body.bookingCode !== undefined && body.bookingCode !== null) problems.push('bookingCode must be null for a listing event');
  if (!Number.isSafeInteger(body.listingId)) problems.push('listingId must be an integer');
  return problems;
}

/** 400 naming every problem, in the same shape as the ValidationPipe's. The body passes through as received. */
@Injectable()
export class BookingEventPipe implements PipeTransform<Record<string, unknown>, BookingEventPayload> {
  transform(body: Record<string, unknown>): BookingEventPayload {
    const problems = bookingEventProblems(body);
    if (problems.length > 0) throw new BadRequestException(problems);
    return body as unknown as BookingEventPayload;
  }
}

@Injectable()
export class ListingEventPipe implements PipeTransform<Record<string, unknown>, ListingEventPayload> {
  transform(body: Record<string, unknown>): ListingEventPayload {
    const problems = listingEventProblems(body);
    if (problems.length > 0) throw new BadRequestException(problems);
    return body as unknown as ListingEventPayload;
  }
}
