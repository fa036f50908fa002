import { PlumBooking } from '../plum/plum.types';
import { blockPlanFor, respondByFor, snapshotOf } from './booking-plan';

const booking = (overrides: Partial<PlumBooking> = {}): PlumBooking => ({
  bookingCode: 'PG-1',
  listingId: 7,
  status: 'Confirmed',
  checkIn: '2027-03-01',
  checkOut: '2027-03-05',
  ...overrides,
});

describe('snapshotOf', () => {
  const fetchedAt = new Date('2026-12-01T10:00:00Z');

  it('canonicalises statuses, spelling variants included, and keeps unknown ones as Plum sent them', () => {
    expect(snapshotOf(booking({ status: 'Requested' }), fetchedAt).status).toBe('Request');
    expect(snapshotOf(booking({ status: 'confirmed' }), fetchedAt).status).toBe('Confirmed');
    expect(snapshotOf(booking({ status: 'OnHold' }), fetchedAt)).toMatchObject({ status: 'OnHold', upstreamStatus: 'OnHold' });
  });

  it("versions by Plum's updatedAt, else by when the fetch started", () => {
    expect(snapshotOf(booking({ updatedAt: '2026-11-30T08:00:00.123Z' }), fetchedAt).upstreamVersion.toISOString()).toBe('2026-11-30T08:00:00.123Z');
    expect(snapshotOf(booking(), fetchedAt).upstreamVersion).toEqual(fetchedAt);
  });

  it('reads guest fields from the names Plum may use and tolerates their absence', () => {
    expect(snapshotOf(booking({ guest: { firstName: 'Ada', lastName: 'Lovelace', email: 'a@relay.plum' } }), fetchedAt)).toMatchObject({
      guestName: 'Ada Lovelace',
      guestEmail: 'a@relay.plum',
    });
    expect(snapshotOf(booking({ guest: null }), fetchedAt)).toMatchObject({ guestName: null, guestEmail: null });
  });
});

describe('respondByFor and blockPlanFor', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  const snap = (status: string, respondBy?: string) => snapshotOf(booking({ status, respondBy }), now);

  it("gives a request 24 hours from first sight, keeps that deadline on re-fetch, and prefers Plum's own", () => {
    expect(respondByFor(snap('Request'), null, now)).toEqual(new Date('2026-12-02T10:00:00Z'));
    const stored = { status: 'Request', respondBy: new Date('2026-12-01T20:00:00Z') };
    expect(respondByFor(snap('Request'), stored, now)).toEqual(stored.respondBy);
    expect(respondByFor(snap('Request', '2026-12-01T18:00:00Z'), stored, now)).toEqual(new Date('2026-12-01T18:00:00Z'));
    expect(respondByFor(snap('Confirmed'), stored, now)).toBeNull();
  });

  it('blocks confirmed stays, holds live requests, and frees everything else', () => {
    const later = new Date('2026-12-02T10:00:00Z');
    expect(blockPlanFor('Confirmed', null, true, now)).toEqual({ kind: 'booking' });
    expect(blockPlanFor('Request', later, true, now)).toEqual({ kind: 'tentative', expiresAt: later });
    expect(blockPlanFor('Request', later, false, now)).toEqual({ kind: 'none' });
    expect(blockPlanFor('Request', new Date('2026-12-01T09:00:00Z'), true, now)).toEqual({ kind: 'none' });
    for (const status of ['Declined', 'Cancelled', 'Initiated']) expect(blockPlanFor(status, null, true, now)).toEqual({ kind: 'none' });
    expect(blockPlanFor('OnHold', null, true, now)).toEqual({ kind: 'keep' });
  });
});
