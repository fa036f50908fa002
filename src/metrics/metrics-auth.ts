import { matchesAnySecret, presentedCredential } from '../common/authorization';
import { Environment } from '../config/environment';

/**
 * Who may read /metrics: a bearer token equal to API_TOKEN or to METRICS_TOKEN. The separate token
 * lets a Prometheus server scrape without holding the key to the reservation data. Shared by the
 * HTTP route and the worker's metrics listener, so both accept exactly the same callers.
 */
export function metricsAuthorized(authorization: unknown, env: Pick<Environment, 'API_TOKEN' | 'METRICS_TOKEN'>): boolean {
  const credential = presentedCredential(authorization);
  return credential?.scheme === 'bearer' && matchesAnySecret(credential.secret, [env.API_TOKEN, env.METRICS_TOKEN]);
}
