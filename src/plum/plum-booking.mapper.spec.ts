import { InvalidPlumBookingError } from './plum.errors';
import { parsePlumBooking } from './plum-booking.mapper';

const valid = { bookingCode: 'PG-ABC123', listingId: 12, status: 'Confirmed', checkIn: '2027-01-10', checkOut: '2027-01-12', extra: { kept: true } };

describe('parsePlumBooking', () => {
  it('accepts a valid booking and keeps fields it does not know', () => {
    expect(parsePlumBooking(valid, 'PG-ABC123')).toEqual(valid);
  });

  it.each([
    ['no bookingCode', { ...valid, bookingCode: undefined }, /bookingCode is missing/, undefined],
    ['another booking', valid, /not the one requested/, 'PG-OTHER'],
    ['a string listingId', { ...valid, listingId: '12' }, /listingId is missing or not an integer/, undefined],
    ['no status', { ...valid, status: '' }, /status is missing/, undefined],
    ['a bad checkIn', { ...valid, checkIn: '2027-02-30' }, /checkIn is missing or not yyyy-MM-dd/, undefined],
    ['checkOut before checkIn', { ...valid, checkOut: '2027-01-09' }, /checkOut 2027-01-09 is not after checkIn 2027-01-10/, undefined],
    ['checkOut equal to checkIn', { ...valid, checkOut: '2027-01-10' }, /is not after checkIn/, undefined],
    ['an array', [valid], /not a JSON object/, undefined],
  ])('refuses %s with a clear, permanent error', (_, body, message, requested) => {
    expect(() => parsePlumBooking(body, requested)).toThrow(message);
    expect(() => parsePlumBooking(body, requested)).toThrow(InvalidPlumBookingError);
  });
});
