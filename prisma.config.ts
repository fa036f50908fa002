// Configuration of the Prisma CLI only (generate, migrate). The app builds its own client in
// src/prisma/prisma.service.ts. The schema engine runs as WebAssembly through the pg driver
// adapter, which is what lets every prisma command work without downloading a native engine.
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';
import { Pool, type QueryResult } from 'pg';
import { parse } from 'pg-connection-string';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/plumline';
// schema.prisma reads env("DATABASE_URL"); when it is unset the CLI falls back to the native engine,
// which it would have to download. The same default as the app's keeps every command offline.
process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;

// The schema engine reads pg_catalog columns of type `name` and `"char"`, which adapter-pg
// cannot map (prisma/prisma#27403). They are plain text, so label them as text.
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;
const RELABEL: Record<number, number> = { 18: TEXT_OID, 19: TEXT_OID, 1003: TEXT_ARRAY_OID };
const relabelledPrototypes = new WeakSet<object>();

function relabelCatalogTypes(adapter: object): void {
  // PgQueryable is not exported; patch it through the adapter's prototype chain, once.
  let proto: { performIO?: (q: unknown) => Promise<QueryResult> } | null = Object.getPrototypeOf(adapter);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'performIO')) proto = Object.getPrototypeOf(proto);
  if (!proto || relabelledPrototypes.has(proto)) return;
  relabelledPrototypes.add(proto);
  const performIO = proto.performIO!;
  proto.performIO = async function (this: unknown, query: unknown) {
    const result = await performIO.call(this, query);
    for (const field of result.fields) field.dataTypeID = RELABEL[field.dataTypeID] ?? field.dataTypeID;
    return result;
  };
}

function connectionFields(url: string) {
  const c = parse(url);
  return {
    host: c.host ?? '127.0.0.1',
    port: c.port ? Number(c.port) : 5432,
    user: c.user ?? undefined,
    password: typeof c.password === 'string' ? c.password : undefined,
    database: c.database ?? undefined,
  };
}

class CliPgAdapterFactory extends PrismaPg {
  constructor(private readonly fields: ReturnType<typeof connectionFields>) {
    super(fields);
  }

  override async connect() {
    const adapter = await super.connect();
    relabelCatalogTypes(adapter);
    return adapter;
  }

  // adapter-pg builds the shadow pool from a connection string (which pg lets override the
  // database name) and drops the shadow database while still connected to it.
  override async connectToShadowDb() {
    const admin = await this.connect();
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg(new Pool({ ...this.fields, database }), { disposeExternalPool: true }).connect();
    relabelCatalogTypes(shadow);
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.dispose();
    };
    return shadow;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return new CliPgAdapterFactory(connectionFields(process.env.DATABASE_URL));
  },
});
