import { createHmac } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import ical, { ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import { constantTimeEqual } from '../common/constant-time';
import { Environment } from '../config/environment';
import { BlockedRangesRepository } from './blocked-ranges.repository';
import { addDays, fromDateOnly, toDateOnly } from './dates';
import { CalendarUrlResponseDto } from './dto/calendar.dto';

/**
 * Channels import a feed for the dates ahead; a month of the past keeps recent stays visible (cleaning
 * schedules) without the feed growing for ever.
 */
const FEED_PAST_DAYS = 30;

@Injectable()
export class CalendarService {
  private readonly secret: string;
  private readonly publicUrl: string;

  constructor(
    private readonly blockedRanges: BlockedRangesRepository,
    config: ConfigService<Environment, true>,
  ) {
    this.secret = config.get('ICAL_SECRET', { infer: true }) ?? config.get('API_TOKEN', { infer: true });
    this.publicUrl = config.get('PUBLIC_URL', { infer: true });
  }

  /**
   * Calendar clients cannot send headers, so the feed URL carries a per-listing token: an HMAC of the
   * listing id, so one leaked feed URL exposes one listing, and rotating the secret revokes them all.
   */
  tokenFor(listingId: number): string {
    return createHmac('sha256', this.secret).update(`calendar:${listingId}`).digest('base64url');
  }

  calendarUrl(listingId: number): CalendarUrlResponseDto {
    const token = this.tokenFor(listingId);
    const base = this.publicUrl.endsWith('/') ? this.publicUrl : `${this.publicUrl}/`;
    const url = new URL(`listings/${listingId}/calendar.ics`, base);
    url.searchParams.set('token', token);
    return { url: url.toString(), token };
  }

  /**
   * The same 401 for a missing or wrong token, checked before any lookup, so the answer never tells
   * whether the listing exists. A right token for a listing without blocks gets an empty calendar.
   */
  async feed(listingId: number, token: string | undefined, now = new Date()): Promise<string> {
    if (!constantTimeEqual(token, this.tokenFor(listingId))) throw new UnauthorizedException('Missing or invalid calendar token');
    const from = toDateOnly(addDays(now, -FEED_PAST_DAYS));
    const blocks = await this.blockedRanges.findOverlapping(listingId, from, null);
    const calendar = ical({ name: `Plum Guide listing ${listingId}`, prodId: { company: 'plumline', product: 'calendar' } });
    for (const block of blocks) {
      calendar.createEvent({
        // Stable per booking: a client updates the event in place when the dates move, and drops it when it goes.
        id: `${block.bookingCode}@plumline`,
        allDay: true,
        start: fromDateOnly(block.from),
        end: fromDateOnly(block.to),
        // The feed leaves this service, so it names no guest.
        summary: block.kind === 'booking' ? 'Reserved (Plum Guide)' : 'On hold: booking request (Plum Guide)',
        status: block.kind === 'booking' ? ICalEventStatus.CONFIRMED : ICalEventStatus.TENTATIVE,
        transparency: ICalEventTransparency.OPAQUE,
        stamp: block.updatedAt,
      });
    }
    return calendar.toString();
  }
}
