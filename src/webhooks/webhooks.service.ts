import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { decodeTimeCursor, encodeTimeCursor } from '../common/cursor';
import { WebhookAckDto } from './dto/webhook-payload.dto';
import { ReplayAcceptedDto, WebhookEventDto, WebhookEventPageDto, WebhookEventQueryDto, WebhookEventStatsDto } from './dto/webhook-event.dto';
import { EventQueueService } from './event-queue.service';
import { WebhookEventRepository } from './webhook-event.repository';
import { WebhookIngestService } from './webhook-ingest.service';
import { BookingEventPayload, ListingEventPayload } from './webhook-payload.validation';

@Injectable()
export class WebhooksService {
  constructor(
    private readonly ingest: WebhookIngestService,
    private readonly events: WebhookEventRepository,
    private readonly queue: EventQueueService,
  ) {}

  /** The payload is kept as received, unknown fields included. */
  async receiveBooking(dto: BookingEventPayload): Promise<WebhookAckDto> {
    const status = await this.ingest.ingest({
      eventId: dto.eventId.toLowerCase(),
      kind: 'booking',
      bookingCode: dto.bookingCode,
      listingId: null,
      eventTimestamp: new Date(dto.timestamp),
      payload: { ...dto },
    });
    return { acknowledged: true, status, eventId: dto.eventId };
  }

  async receiveListing(dto: ListingEventPayload): Promise<WebhookAckDto> {
    const status = await this.ingest.ingest({
      eventId: dto.eventId.toLowerCase(),
      kind: 'listing',
      bookingCode: null,
      listingId: dto.listingId,
      eventTimestamp: new Date(dto.timestamp),
      payload: { ...dto },
    });
    return { acknowledged: true, status, eventId: dto.eventId };
  }

  async list(query: WebhookEventQueryDto): Promise<WebhookEventPageDto> {
    const after = query.cursor ? decodeTimeCursor(query.cursor) : undefined;
    const page = await this.events.list({ status: query.status, bookingCode: query.bookingCode }, query.limit, after && { receivedAt: after.at, eventId: after.id });
    return {
      items: page.items.map((e) => WebhookEventDto.from(e)),
      nextCursor: page.next && encodeTimeCursor(page.next.receivedAt, page.next.eventId),
    };
  }

  async get(eventId: string): Promise<WebhookEventDto> {
    const event = await this.events.find(eventId);
    if (!event) throw new NotFoundException(`No event ${eventId}`);
    return WebhookEventDto.from(event);
  }

  async stats(): Promise<WebhookEventStatsDto> {
    const counts = await this.events.countByStatus();
    return { ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
  }

  /** Processes a processed or failed event again (the booking is fetched afresh, so this is safe). */
  async replay(eventId: string): Promise<ReplayAcceptedDto> {
    const event = await this.events.claimForReplay(eventId);
    if (!event) {
      const existing = await this.events.find(eventId);
      if (!existing) throw new NotFoundException(`No event ${eventId}`);
      throw new ConflictException(`Event ${eventId} is ${existing.status}: only processed or failed events can be replayed`);
    }
    try {
      await this.queue.enqueue([event], { replaceFinished: true });
      await this.events.markQueued([event.eventId]);
      return { eventId, status: 'queued' };
    } catch {
      return { eventId, status: 'received' }; // the relay enqueues it when Redis answers
    }
  }
}
