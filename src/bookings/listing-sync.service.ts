import { Injectable } from '@nestjs/common';
import { PlumClient } from '../plum/plum.client';
import { BookingStoreRepository } from './booking-store.repository';

@Injectable()
export class ListingSyncService {
  constructor(
    private readonly plum: PlumClient,
    private readonly store: BookingStoreRepository,
  ) {}

  async syncListing(listingId: number): Promise<void> {
    const listing = await this.plum.getListing(listingId);
    await this.store.upsertListing({
      listingId,
      name: typeof listing.name === 'string' ? listing.name : null,
      timezone: typeof listing.timezone === 'string' ? listing.timezone.slice(0, 64) : null,
      raw: listing,
    });
  }
}
