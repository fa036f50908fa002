import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'plumline:public';

/** Opts a route out of the API token: webhooks (own secret), health, iCal (per-listing token). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
