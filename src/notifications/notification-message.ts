import { ListingInfo, NotificationBody, NotificationType, ReservationJson } from './notification.types';

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

export interface MessageContext {
  listing: ListingInfo | null;
  /** PLUM_DASHBOARD_URL; `{bookingCode}` in it is replaced. */
  dashboardUrl?: string;
}

/** The listing's own timezone when the listings table knows a valid one; UTC otherwise. */
export function effectiveTimezone(listing: ListingInfo | null): string {
  const zone = listing?.timezone;
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** Named parts of a formatted date, assembled by hand so the output does not depend on the ICU version's punctuation. */
function parts(date: Date, options: Intl.DateTimeFormatOptions): Record<string, string> {
  const named: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-GB', options).formatToParts(date)) named[part.type] = part.value;
  return named;
}

/** e.g. "Fri 5 Dec 2026, 14:00 GMT (Europe/London)": what a host reads as their own clock. */
export function formatDeadline(iso: string, timeZone: string): string {
  const p = parts(new Date(iso), {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} ${p.timeZoneName} (${timeZone})`;
}

/** A calendar day (yyyy-MM-dd) as "Mon 1 Jun 2027"; days have no timezone. */
export function formatDay(day: string): string {
  const p = parts(new Date(`${day}T00:00:00Z`), { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

export function dashboardLink(template: string | undefined, bookingCode: string | null): string | null {
  if (!template) return null;
  return bookingCode ? template.replaceAll('{bookingCode}', encodeURIComponent(bookingCode)) : template.replaceAll('{bookingCode}', '');
}

function listingLabel(listingId: number | null, listing: ListingInfo | null): string {
  if (listingId === null) return 'unknown listing';
  return listing?.name ? `${listing.name} (#${listingId})` : `listing #${listingId}`;
}

function nightsLabel(r: ReservationJson): string {
  return `${formatDay(r.checkIn)} to ${formatDay(r.checkOut)} (${r.nights} night${r.nights === 1 ? '' : 's'})`;
}

function guestLabel(r: ReservationJson): string | null {
  if (!r.guest) return null;
  const parts = [r.guest.name, r.guest.email && `<${r.guest.email}>`].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : null;
}

interface Parts {
  subject: string;
  headline: string;
  /** Label and value rows, shown in order; null values are left out. */
  facts: Array<[string, string | null]>;
}

function partsOf(body: NotificationBody, ctx: MessageContext): Parts {
  const r = body.reservation;
  const zone = effectiveTimezone(ctx.listing);
  const where = listingLabel(r?.listingId ?? body.event?.listingId ?? null, ctx.listing);
  const code = r?.bookingCode ?? body.event?.bookingCode ?? null;
  const deadline = r?.respondBy ? formatDeadline(r.respondBy, zone) : null;
  const bookingFacts: Array<[string, string | null]> = r
    ? [
        ['Booking', r.bookingCode],
        ['Listing', where],
        ['Guest', guestLabel(r)],
        ['Dates', nightsLabel(r)],
        ['Status', r.status],
      ]
    : [];

  switch (body.type) {
    case NotificationType.BookingRequested:
      return {
        subject: `New booking request ${code} at ${where}: respond by ${deadline ?? 'the deadline'}`,
        headline: `A guest asked to book ${where}. Approve or decline it on Plum before the deadline, or the request expires.`,
        facts: [...bookingFacts, ['Respond by', deadline]],
      };
    case NotificationType.BookingRequestExpiring:
      return {
        subject: `Reminder: booking request ${code} expires ${deadline ?? 'soon'}`,
        headline: `The booking request for ${where} is still waiting for you. Approve or decline it on Plum before it expires.`,
        facts: [...bookingFacts, ['Respond by', deadline]],
      };
    case NotificationType.BookingConfirmed:
      return {
        subject: `Booking confirmed: ${code} at ${where}, ${r ? `${r.checkIn} to ${r.checkOut}` : ''}`.trim(),
        headline: `A stay at ${where} is confirmed and its dates are blocked.`,
        facts: bookingFacts,
      };
    case NotificationType.BookingCancelled:
      return {
        subject: `Booking cancelled: ${code} at ${where}`,
        headline: `The stay was cancelled and its dates at ${where} are free again. Cancel any cleaning or check-in arranged for it.`,
        facts: bookingFacts,
      };
    case NotificationType.BookingDeclined:
      return {
        subject: `Booking request declined: ${code} at ${where}`,
        headline: `The booking request for ${where} was declined; its dates are not held.`,
        facts: bookingFacts,
      };
    case NotificationType.BookingDatesChanged: {
      const before = body.previous ? `${formatDay(body.previous.checkIn)} to ${formatDay(body.previous.checkOut)}` : null;
      return {
        subject: `Dates changed: ${code} at ${where}, now ${r ? `${r.checkIn} to ${r.checkOut}` : 'new dates'}`,
        headline: `The dates of a stay at ${where} changed. Check cleaning and check-in arrangements.`,
        facts: [...bookingFacts, ['Before', before]],
      };
    }
    case NotificationType.BookingConflict:
      return {
        subject: `Double booking at ${where}: ${code} overlaps ${(body.conflictsWith ?? []).join(', ')}`,
        headline: `Plum confirmed ${code} for dates already taken at ${where}. Its dates are not blocked here: resolve it with Plum (one of the stays has to move or be cancelled).`,
        facts: [...bookingFacts, ['Overlaps', (body.conflictsWith ?? []).join(', ') || null]],
      };
    case NotificationType.EventFailed: {
      const e = body.event;
      const subject = e?.bookingCode ? `booking ${e.bookingCode}` : e?.listingId ? `listing #${e.listingId}` : 'an event';
      return {
        subject: `A Plum event about ${subject} could not be processed`,
        headline: `plumline gave up on a Plum event. The calendar may be out of step for ${subject} until it is replayed (POST /webhook-events/{eventId}/replay) or the booking is synced.`,
        facts: [
          ['Event', e?.eventId ?? null],
          ['Booking', e?.bookingCode ?? null],
          ['Listing', e?.listingId ? listingLabel(e.listingId, ctx.listing) : null],
          ['Attempts', e ? String(e.attempts) : null],
          ['Error', e?.error ?? null],
        ],
      };
    }
    case NotificationType.RegistrationFailed:
      return {
        subject: 'plumline could not register its webhooks with Plum',
        headline: 'Plum may not be sending booking events to plumline. It keeps retrying; check the credentials and PUBLIC_URL (GET /webhook-config shows the state).',
        facts: [
          ['Error', body.registration?.error ?? null],
          ['Last in step', body.registration?.lastSyncedAt ?? 'never'],
        ],
      };
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A short plain-text and HTML email a host can act on without opening anything else. */
export function renderNotificationEmail(body: NotificationBody, ctx: MessageContext): RenderedMessage {
  const { subject, headline, facts } = partsOf(body, ctx);
  const shown = facts.filter((f): f is [string, string] => f[1] !== null && f[1] !== '');
  const link = dashboardLink(ctx.dashboardUrl, body.reservation?.bookingCode ?? body.event?.bookingCode ?? null);
  const width = Math.max(...shown.map(([label]) => label.length), 0) + 2;
  const text = [
    headline,
    '',
    ...shown.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    ...(link ? ['', `Open in Plum: ${link}`] : []),
    '',
    `Notification ${body.id} (${body.type}) at ${body.occurredAt}`,
    '',
  ].join('\n');
  const rows = shown
    .map(([label, value]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(headline)}</p>`,
    `<table>${rows}</table>`,
    link ? `<p><a href="${escapeHtml(link)}">Open in Plum</a></p>` : '',
    `<p style="color:#777;font-size:12px">Notification ${escapeHtml(body.id)} (${escapeHtml(body.type)}) at ${escapeHtml(body.occurredAt)}</p>`,
    '</body></html>',
  ].join('');
  return { subject: subject.replace(/[\r\n]+/g, ' '), text, html };
}
