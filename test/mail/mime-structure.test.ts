// GET /api/v1/message/{ID}/structure: the MIME tree as sent, numbered as the parts' PartIDs, for
// real messages sent over SMTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  MessageDetail,
  MimePartContent,
  MimeStructurePart,
} from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk();
});
afterAll(async () => relay?.dispose());

async function send(message: Parameters<ReturnType<TestRelaydesk['transport']>['sendMail']>[0]) {
  const info = await relay.transport().sendMail(message);
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

/** A message attached whole (message/rfc822): one part, Latin-1 in quoted-printable. */
const returned = [
  'From: shop@example.com',
  'To: buyer@example.net',
  'Subject: Your order',
  'Content-Type: text/plain; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Caf=E9 au lait',
  '',
].join('\r\n');

describe('the MIME structure', () => {
  it('lists every part in order, numbered as the message’s PartIDs, with what it declares', async () => {
    const id = await send({
      from: 'app@example.com',
      to: 'dev@example.net',
      subject: 'Nested',
      text: 'plain body',
      html: '<p>html <img src="cid:logo@example"></p>',
      attachments: [
        { filename: 'logo.png', content: Buffer.from('89504e47', 'hex'), cid: 'logo@example' },
        { content: returned, contentType: 'message/rfc822' },
      ],
    });
    const structure = await relay.api<MimeStructurePart[]>(`/api/v1/message/${id}/structure`);
    const shape = structure.map(
      (p) => `${'  '.repeat(p.Depth)}${p.PartID || '-'} ${p.ContentType}`,
    );
    expect(shape).toEqual([
      '- multipart/mixed',
      '  1 multipart/alternative',
      '    1.1 text/plain',
      '    1.2 multipart/related',
      '      1.2.1 text/html',
      '      1.2.2 image/png',
      '  2 message/rfc822',
      '    2 text/plain',
    ]);
    const logo = structure.find((p) => p.ContentType === 'image/png');
    expect(logo).toMatchObject({
      ContentID: '<logo@example>',
      Encoding: 'base64',
      FileName: 'logo.png',
    });
    expect(logo?.Headers).toContain('Content-ID: <logo@example>');
    // a well-made message has nothing to warn of
    expect(structure.flatMap((p) => p.Warnings)).toEqual([]);
    const inner = structure.at(-1);
    expect(inner).toMatchObject({ Charset: 'iso-8859-1', Encoding: 'quoted-printable', Depth: 2 });
    // the sizes of the parts a multipart holds are in its own
    const mixed = structure[0] as MimeStructurePart;
    const leaves = structure.filter(
      (p) => !p.ContentType.startsWith('multipart/') && p.Depth === 2,
    );
    expect(mixed.Size).toBeGreaterThanOrEqual(leaves.reduce((sum, p) => sum + p.Size, 0));
    // the message's top headers are the first part's, our Received line first
    expect(mixed.Headers[0]).toMatch(/^Received: from /);

    // the parts the message lists are the structure's, by the same IDs
    const message = await relay.api<MessageDetail>(`/api/v1/message/${id}`);
    const listed = [...message.Attachments, ...message.Inline].map((p) => p.PartID);
    for (const partId of listed) expect(structure.map((p) => p.PartID)).toContain(partId);
  });

  it('warns, as smtp4dev does, of a multipart with no part and of a Content-ID two parts share', async () => {
    const raw = (subject: string, boundary: string, body: string[]) =>
      [
        'From: app@example.com',
        'To: dev@example.net',
        `Subject: ${subject}`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        ...body,
        '',
      ].join('\r\n');
    const envelope = { from: 'app@example.com', to: 'dev@example.net' };
    // the sender's template declares one boundary and writes another: mail clients show nothing
    const lost = await send({
      envelope,
      raw: raw('lost', 'declared', [
        '--written',
        'Content-Type: text/plain',
        '',
        'hi',
        '--written--',
      ]),
    });
    const lostParts = await relay.api<MimeStructurePart[]>(`/api/v1/message/${lost}/structure`);
    expect(lostParts).toHaveLength(1);
    expect(lostParts[0]?.Warnings).toEqual([
      'This multipart holds no part: its boundary "declared" never starts a line of the body (as --declared), so mail clients show nothing of it',
    ]);

    // the same logo twice, once without the angle brackets
    const png = [
      'Content-Type: image/png',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
    ];
    const shared = await send({
      envelope,
      raw: raw('shared', 'b', [
        '--b',
        'Content-Type: text/html',
        '',
        '<img src="cid:logo@example">',
        '--b',
        'Content-ID: <logo@example>',
        ...png,
        '--b',
        'Content-ID: logo@example',
        ...png,
        '--b--',
      ]),
    });
    const sharedParts = await relay.api<MimeStructurePart[]>(`/api/v1/message/${shared}/structure`);
    expect(sharedParts.map((p) => p.Warnings)).toEqual([
      [],
      [],
      [],
      [
        "Its Content-ID is also part 2's: a cid:logo@example link shows one of the two, and which one depends on the mail client",
      ],
    ]);
  });

  it('calls a one-part message’s only part "0", and says when there is no such message', async () => {
    const id = await send({ from: 'app@example.com', to: 'dev@example.net', text: 'just text' });
    const structure = await relay.api<MimeStructurePart[]>(`/api/v1/message/${id}/structure`);
    expect(structure).toHaveLength(1);
    expect(structure[0]).toMatchObject({ PartID: '0', Depth: 0, ContentType: 'text/plain' });
    const missing = await relay.fetch('/api/v1/message/no-such-id/structure');
    expect(missing.status).toBe(404);
    const only = await relay.api<MimePartContent>(`/api/v1/message/${id}/structure/0`);
    // the body as sent ends with the line break that ends the message's data
    expect(only.Text).toBe('just text\r\n');
  });

  it('shows a part as sent and its text decoded, by the PartIDs of the structure', async () => {
    const id = await send({
      from: 'app@example.com',
      to: 'dev@example.net',
      subject: 'Parts',
      text: { content: 'Grüße aus München, 😀', contentTransferEncoding: 'quoted-printable' },
      html: { content: '<p>Grüße <b>aus</b> München</p>', contentTransferEncoding: 'base64' },
      attachments: [
        { filename: 'logo.png', content: Buffer.from('89504e470d0a', 'hex'), cid: 'logo@x' },
        { content: returned, contentType: 'message/rfc822' },
        { filename: 'notes.txt', content: Buffer.from('Zeile äöü\n'.repeat(120_000)) },
      ],
    });
    const content = (partId: string) =>
      relay.api<MimePartContent>(`/api/v1/message/${id}/structure/${partId}`);
    const structure = await relay.api<MimeStructurePart[]>(`/api/v1/message/${id}/structure`);
    const idOf = (type: string, name = '') =>
      structure.find((p) => p.ContentType === type && p.FileName === name)?.PartID as string;

    const plain = await content(idOf('text/plain'));
    expect(plain.Text).toBe('Grüße aus München, 😀');
    expect(plain.DecodedAs).toBe('utf-8');
    // as sent: its own headers, then the body still quoted-printable
    expect(plain.Source).toMatch(/^Content-Type: text\/plain; charset=utf-8\r\n/);
    expect(plain.Source).toContain('Gr=C3=BC=C3=9Fe');

    const html = await content(idOf('text/html'));
    expect(html.Text).toBe('<p>Grüße <b>aus</b> München</p>');
    expect(html.Source).toContain('Content-Transfer-Encoding: base64');
    expect(html.Source).not.toContain('Grüße');

    // not text: as sent only
    const logo = await content(idOf('image/png', 'logo.png'));
    expect(logo.Text).toBeNull();
    expect(logo.Source).toContain(Buffer.from('89504e470d0a', 'hex').toString('base64'));

    // the attached message's one part shares its PartID: the content is that part's, read in
    // the charset it declares (as mail clients read ISO-8859-1)
    const rfc822 = idOf('message/rfc822');
    const inner = await content(rfc822);
    expect(inner.ContentType).toBe('text/plain');
    expect(inner.Text).toBe('Café au lait\r\n');
    expect(inner.DecodedAs).toBe('windows-1252');

    // a long part: the start of it, and said so
    const notes = await content(idOf('text/plain', 'notes.txt'));
    expect(notes.TextCut).toBe(true);
    expect(notes.SourceCut).toBe(true);
    expect(notes.Text?.startsWith('Zeile äöü\nZeile äöü\n')).toBe(true);
    expect(Buffer.byteLength(notes.Text ?? '')).toBeGreaterThan(700_000);
    expect(Buffer.byteLength(notes.Text ?? '')).toBeLessThan(800_000);
    expect(notes.Text).not.toContain('\uFFFD');

    // a multipart's content is its parts: said, with where the PartIDs are
    const multipart = await relay.fetch(
      `/api/v1/message/${id}/structure/${idOf('multipart/alternative')}`,
    );
    expect(multipart.status).toBe(404);
    expect(await multipart.text()).toContain('a multipart');
    expect((await relay.fetch(`/api/v1/message/${id}/structure/9.9`)).status).toBe(404);
  });
});
