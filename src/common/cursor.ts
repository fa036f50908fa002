import { BadRequestException } from '@nestjs/common';

/**
 * Keyset cursors: the sort key of the last row served, base64url-encoded JSON. Opaque to clients, so the
 * encoding can change; never trusted either, so a tampered cursor is a 400, not a 500.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== arity || !key.every((part) => typeof part === 'string' && part.length <= 256)) {
    throw new BadRequestException(['cursor is invalid: pass nextCursor from the previous page unchanged']);
  }
  return key as string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The common keyset of time-ordered lists: a timestamp and a uuid that breaks ties. */
export function decodeTimeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = decodeCursor(cursor, 2);
  const date = new Date(at);
  if (Number.isNaN(date.getTime()) || !UUID.test(id)) throw new BadRequestException(['cursor is invalid: pass nextCursor from the previous page unchanged']);
  return { at: date, id };
}

export function encodeTimeCursor(at: Date, id: string): string {
  return encodeCursor([at.toISOString(), id]);
}
