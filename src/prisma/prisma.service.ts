import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { Environment } from '../config/environment';
import { PrismaClient } from '../generated/prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  /**
   * The connection pool under Prisma. Repositories use it directly only for the webhook hot path,
   * where Prisma's per-call query compilation costs more than the statement itself.
   */
  readonly pool: Pool;

  constructor(config: ConfigService<Environment, true>) {
    const pool = new Pool({
      connectionString: config.get('DATABASE_URL', { infer: true }),
      max: 20,
      // A request that cannot get a connection fails (503) rather than queueing forever.
      connectionTimeoutMillis: 5_000,
    });
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
    // An idle client losing its connection (Postgres restarted) must not crash the process.
    pool.on('error', () => undefined);
  }

  /**
   * The last thing to go: queue workers finish their jobs in `beforeApplicationShutdown` (see
   * WorkerLifecycleService), and those jobs need the database until then.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end();
  }
}
