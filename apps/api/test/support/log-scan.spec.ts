import { findingsIn, personalValuesIn } from './log-scan';

describe('the log scan behind "logs never hold personal data"', () => {
  const values = personalValuesIn([
    "examples.mentor({ displayName: 'Kavya Rao', email: `kavya.${id}@example.com` }); send({ insights: 'Short, personal posts' })",
    "expect(body).toMatchObject({ title: 'Bad Request', comment: 'ok' })",
  ]);

  it('collects the literals given to personal fields, and the long literal parts of templates', () => {
    expect([...values].sort()).toEqual(['@example.com', 'Kavya Rao', 'Short, personal posts', 'kavya.']);
  });

  it('flags a line with a collected value or any email address, and passes the rest', () => {
    const log = ['LOG [RoutesResolver] mapped {/v1/programs, POST}', 'WARN 409 for Kavya Rao', 'WARN mail to j.doe@acme.test'].join('\n');
    expect(findingsIn(log, values)).toEqual([
      { line: 'WARN 409 for Kavya Rao', found: ['Kavya Rao'] },
      { line: 'WARN mail to j.doe@acme.test', found: ['j.doe@acme.test'] },
    ]);
  });
});
