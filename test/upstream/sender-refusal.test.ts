// Which refusals mean "the login may not send as this sender" (a Send as rule fixes them), as
// each provider words it; everything else gets no advice.
import { describe, expect, test } from 'vitest';
import { adviseOnSenderRefusal } from '../../main/core/upstream/sender-refusal.js';

const reply = (code: number, enhanced: string | null, text: string) => ({ code, enhanced, text });

describe('adviseOnSenderRefusal', () => {
  test.each([
    ['Microsoft 365', reply(554, '5.2.252', 'SendAsDenied; office@x not allowed to send as a@b')],
    [
      'Exchange',
      reply(550, '5.7.60', 'SMTP; Client does not have permissions to send as this sender'),
    ],
    ['Postfix', reply(553, '5.7.1', '<a@b>: Sender address rejected: not owned by user office')],
    [
      'Amazon SES',
      reply(
        554,
        null,
        'Message rejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: a@b',
      ),
    ],
    ['SendGrid', reply(550, null, 'The from address does not match a verified Sender Identity.')],
  ])('%s', (_provider, refusal) => {
    const advice = adviseOnSenderRefusal(refusal, 'scan@printer.local', 'office@example.com');
    expect(advice?.detail).toBe(
      'the upstream takes mail only from addresses its login may send as, and refused scan@printer.local',
    );
    expect(advice?.fix).toContain('[{"match": "scan@printer.local", "to": "office@example.com"}]');
  });

  test('a login that is not an address: the rule names a placeholder', () => {
    const advice = adviseOnSenderRefusal(
      reply(554, '5.2.252', 'SendAsDenied'),
      'a@b.example',
      'apikey',
    );
    expect(advice?.fix).toContain('maps a@b.example to an address the login may send as');
    expect(advice?.fix).toContain('"to": "you@your-domain"');
  });

  test.each([
    reply(550, '5.1.1', '<bob@x>: Recipient address rejected: User unknown'),
    reply(451, '4.3.0', 'SendAsDenied, try again'),
    { code: null, enhanced: null, text: 'connection refused' },
  ])('no advice for %j', (refusal) => {
    expect(adviseOnSenderRefusal(refusal, 'a@b.example', 'office@example.com')).toBeNull();
  });
});
