import { isDatabaseUnavailable } from './database-errors';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['refused connections', new Error('connect ECONNREFUSED 127.0.0.1:5432')],
    ['a crash recovery in progress (57P03)', new Error('Raw query failed. Code: `57P03`. Message: `the database system is not yet accepting connections`')],
    ['an admin shutdown', new Error('terminating connection due to administrator command')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a bare pg connection error', Object.assign(new AggregateError([Object.assign(new Error(''), { code: 'ECONNREFUSED' })], ''), {})],
  ])('recognises %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('does not mistake a bad query for an outage', () => {
    expect(isDatabaseUnavailable(new Error('Raw query failed. Code: `42601`. Message: `syntax error at or near "SELEC"`'))).toBe(false);
    expect(isDatabaseUnavailable('not an error')).toBe(false);
  });
});
