import { BadRequestException, Injectable } from '@nestjs/common';
import { ConflictsRepository } from './conflicts.repository';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { ConflictListQueryDto, ConflictListResponseDto, ConflictResponseDto } from './dto/conflict.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ConflictsService {
  constructor(private readonly conflicts: ConflictsRepository) {}

  async list(query: ConflictListQueryDto): Promise<ConflictListResponseDto> {
    const rows = await this.conflicts.findPage({
      listingId: query.listingId,
      before: query.cursor === undefined ? undefined : this.parseCursor(query.cursor),
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ConflictResponseDto.fromRecord(row)),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.detectedAt.toISOString(), last.id]) : null,
    };
  }

  private parseCursor(cursor: string): { detectedAt: Date; id: string } {
    const [detectedAt, id] = decodeCursor(cursor, 2);
    const at = new Date(detectedAt);
    if (Number.isNaN(at.getTime()) || !UUID.test(id)) throw new BadRequestException(['cursor is invalid: pass nextCursor from the previous page unchanged']);
    return { detectedAt: at, id };
  }
}
