// Shared by the operator scripts: the same defaults as src/config, and .env when present.
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/plumline';
export const databaseUrl = () => process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
