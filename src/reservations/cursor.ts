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
