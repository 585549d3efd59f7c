// Mailpit's --ignore-duplicate-ids and --use-message-dates, as a Mailpit user meets them: over
// real SMTP (nodemailer) and the real HTTP API, with Mailpit's answers (internal/smtpd/main.go,
// internal/storage/messages.go): a duplicate gets 250 and is not stored again, and captured mail
// is listed at its Date header's time.
import { afterEach, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

interface ListPage {
  total: number;
  messages: { ID: string; MessageID: string; Subject: string; Created: string }[];
}
interface Info {
  RuntimeStats: { SMTPAccepted: number; SMTPIgnored: number };
}

let relay: TestRelaydesk | undefined;
afterEach(async () => {
  await relay?.dispose();
  relay = undefined;
});

function mail(subject: string, messageId: string, date?: string) {
  return {
    from: 'app@example.com',
    to: 'user@example.com',
    subject,
    text: 'hello',
    messageId,
    ...(date ? { date } : {}),
  };
}

it('answers a message whose Message-ID is stored with 250 and does not store it again', async () => {
  relay = await startTestRelaydesk({ ignoreDuplicateIds: true });
  const smtp = relay.transport();
  const first = await smtp.sendMail(mail('first', '<order-1@example.com>'));
  expect(first.response).toMatch(/^250 .*queued as/);
  const again = await smtp.sendMail(mail('retried', '<order-1@example.com>'));
  const page = await relay.api<ListPage>('/api/v1/messages');
  expect(page.total).toBe(1);
  expect(page.messages[0]).toMatchObject({ Subject: 'first', MessageID: 'order-1@example.com' });
  // accepted, naming the message it duplicates
  expect(again.response).toBe(
    `250 2.6.0 Ok: not stored again, the same Message-ID as ${page.messages[0]?.ID}`,
  );
  // another Message-ID is stored as usual
  await smtp.sendMail(mail('second', '<order-2@example.com>'));
  expect((await relay.api<ListPage>('/api/v1/messages')).total).toBe(2);
  // Mailpit's figures and feature flag
  const info = await relay.api<Info>('/api/v1/info');
  expect(info.RuntimeStats).toMatchObject({ SMTPAccepted: 2, SMTPIgnored: 1 });
  expect(await relay.api('/api/v1/webui')).toMatchObject({ DuplicatesIgnored: true });
});

it('answers a Send API duplicate with the stored message ID', async () => {
  relay = await startTestRelaydesk({ ignoreDuplicateIds: true });
  const send = () =>
    relay!.api<{ ID: string }>('/api/v1/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        From: { Email: 'app@example.com' },
        To: [{ Email: 'user@example.com' }],
        Subject: 'sent twice',
        Text: 'hello',
        Headers: { 'Message-ID': '<api-1@example.com>' },
      }),
    });
  const first = await send();
  const again = await send();
  expect(again.ID).toBe(first.ID);
  const page = await relay.api<ListPage>('/api/v1/messages');
  expect(page.messages.map((m) => [m.ID, m.MessageID])).toEqual([[first.ID, 'api-1@example.com']]);
});

it('stores one of two copies that arrive at the same time', async () => {
  relay = await startTestRelaydesk({ ignoreDuplicateIds: true });
  const a = relay.transport();
  const b = relay.transport();
  const replies = await Promise.all([
    a.sendMail(mail('copy a', '<twice@example.com>')),
    b.sendMail(mail('copy b', '<twice@example.com>')),
  ]);
  expect(replies.map((r) => r.response.slice(0, 3))).toEqual(['250', '250']);
  expect((await relay.api<ListPage>('/api/v1/messages')).total).toBe(1);
});

it('stores a message refused for its quota when it is sent again later', async () => {
  relay = await startTestRelaydesk({
    ignoreDuplicateIds: true,
    quotas: [{ ip: '127.0.0.1/32', perMinute: 1 }],
  });
  const smtp = relay.transport();
  await smtp.sendMail(mail('first', '<q-1@example.com>'));
  const refused = await smtp.sendMail(mail('over the quota', '<q-2@example.com>')).then(
    () => null,
    (err: { responseCode?: number }) => err.responseCode,
  );
  expect(refused).toBe(451);
  const lifted = await relay.fetch('/api/v1/settings', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ quotas: [] }),
  });
  expect(lifted.status).toBe(200);
  const again = await smtp.sendMail(mail('over the quota', '<q-2@example.com>'));
  expect(again.response).toMatch(/queued as/);
  expect((await relay.api<ListPage>('/api/v1/messages')).total).toBe(2);
});

it('stores every copy when duplicates are not ignored (the default)', async () => {
  relay = await startTestRelaydesk();
  const smtp = relay.transport();
  await smtp.sendMail(mail('first', '<order-1@example.com>'));
  await smtp.sendMail(mail('retried', '<order-1@example.com>'));
  expect((await relay.api<ListPage>('/api/v1/messages')).total).toBe(2);
  expect(await relay.api('/api/v1/webui')).toMatchObject({ DuplicatesIgnored: false });
});

it("lists captured mail at its Date header's time with message dates on", async () => {
  relay = await startTestRelaydesk({ useMessageDates: true });
  const smtp = relay.transport();
  await smtp.sendMail(mail('old', '<old@example.com>', 'Tue, 01 Sep 2026 10:00:00 +0200'));
  await smtp.sendMail(mail('no date header is readable', '<bad@example.com>', 'not a date'));
  const page = await relay.api<ListPage>('/api/v1/messages');
  const old = page.messages.find((m) => m.Subject === 'old');
  expect(old?.Created).toBe('2026-09-01T08:00:00.000Z');
  // a Date that cannot be read: the time it arrived, as Mailpit keeps time.Now()
  const undated = page.messages.find((m) => m.Subject !== 'old');
  expect(Math.abs(Date.parse(undated?.Created ?? '') - Date.now())).toBeLessThan(60_000);
  // search's before:/after: read the same time
  const before = await relay.api<ListPage>('/api/v1/search?query=before:2026-09-02');
  expect(before.messages.map((m) => m.Subject)).toEqual(['old']);
});

it('orders the list, search and paging by the Date header with message dates on, as Mailpit orders by Created', async () => {
  relay = await startTestRelaydesk({ useMessageDates: true });
  const smtp = relay.transport();
  // sent in this order; dated in another, two of them at the same second
  const sent: [string, string][] = [
    ['march', 'Tue, 03 Mar 2026 09:00:00 +0000'],
    ['january', 'Thu, 01 Jan 2026 09:00:00 +0000'],
    ['june a', 'Mon, 01 Jun 2026 09:00:00 +0000'],
    ['february', 'Sun, 01 Feb 2026 09:00:00 +0000'],
    ['june b', 'Mon, 01 Jun 2026 09:00:00 +0000'],
  ];
  for (const [subject, date] of sent) {
    await smtp.sendMail(mail(subject, `<${subject.replace(' ', '-')}@example.com>`, date));
  }
  const byDate = ['june b', 'june a', 'march', 'february', 'january'];
  const subjects = (page: ListPage) => page.messages.map((m) => m.Subject);
  expect(subjects(await relay.api<ListPage>('/api/v1/messages'))).toEqual(byDate);
  // page by page: each message once, in the same order
  const paged: string[] = [];
  for (let start = 0; start < 5; start += 2) {
    paged.push(...subjects(await relay.api<ListPage>(`/api/v1/messages?start=${start}&limit=2`)));
  }
  expect(paged).toEqual(byDate);
  const found = await relay.api<ListPage>('/api/v1/search?query=from:app@example.com&limit=3');
  expect(subjects(found)).toEqual(byDate.slice(0, 3));
  const later = await relay.api<ListPage>(
    '/api/v1/search?query=from:app@example.com&start=3&limit=3',
  );
  expect(subjects(later)).toEqual(byDate.slice(3));
  // Mailpit's latest is the list's first
  const latest = await relay.api<{ Subject: string }>('/api/v1/message/latest');
  expect(latest.Subject).toBe('june b');
});

it('lists mail at the time it arrived with message dates off (the default)', async () => {
  relay = await startTestRelaydesk();
  await relay
    .transport()
    .sendMail(mail('old', '<old@example.com>', 'Tue, 01 Sep 2026 10:00:00 +0200'));
  const [message] = (await relay.api<ListPage>('/api/v1/messages')).messages;
  expect(Math.abs(Date.parse(message?.Created ?? '') - Date.now())).toBeLessThan(60_000);
});

it("gives the label and the hidden Delete all button in Mailpit's /api/v1/webui and in info", async () => {
  relay = await startTestRelaydesk({ label: '  staging ', hideDeleteAllButton: true });
  expect(await relay.api('/api/v1/webui')).toMatchObject({
    Label: 'staging',
    HideDeleteAllButton: true,
  });
  expect(await relay.api('/api/v1/info')).toMatchObject({
    Label: 'staging',
    HideDeleteAllButton: true,
  });
});

it('refuses a label on two lines, naming the setting and what is allowed', async () => {
  relay = await startTestRelaydesk();
  const res = await relay.fetch('/api/v1/settings', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'one\ntwo' }),
  });
  expect(res.status).toBe(400);
  const { errors } = (await res.json()) as { errors: { field: string; message: string }[] };
  expect(errors).toEqual([
    expect.objectContaining({
      field: 'label',
      message: expect.stringContaining('use text of at most 60 characters on one line'),
    }),
  ]);
});
