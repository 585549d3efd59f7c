// POST /api/v1/analyze verifies the DKIM signatures of a whole message pasted or dropped, as the
// captured-message check does (mailauth over a real DNS server on 127.0.0.1): messages signed by
// Debian's dkimsign (python3-dkim) and by nodemailer's dkim option pass; one changed after
// signing fails with the body-hash words; a header block alone lists its signers and says the
// body hash cannot be checked, instead of a fail. Before, Analyze said nothing of DKIM.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzedHeaders } from '../../preload/api-contract.js';
import { generateDkimKey, publicKeyValue } from '../../main/core/signing/dkim-key.js';
import { dkimRecord } from '../../main/core/signing/dkim-record.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { findTool } from '../helpers/system-tools.js';
import { madeTempFolder } from '../helpers/temp-folders.js';

const dkimsign = findTool({ command: 'dkimsign', install: 'apt-get install -y python3-dkim' });

let dns: TestDnsServer;
let relay: TestRelaydesk;
const pyKey = generateDkimKey('rsa');
const nodeKey = generateDkimKey('rsa');
let pyKeyFile = '';

beforeAll(async () => {
  dns = await startDnsServer();
  for (const [domain, selector, key] of [
    ['py.example', 'py1', pyKey],
    ['node.example', 'nm1', nodeKey],
  ] as const) {
    const record = dkimRecord(domain, selector, 'rsa', publicKeyValue(key));
    dns.set(record.name, { TXT: [record.value] });
  }
  pyKeyFile = join(await madeTempFolder('relaydesk-analyze-dkim-'), 'py1.private');
  writeFileSync(pyKeyFile, pyKey, { mode: 0o600 });
  relay = await startTestRelaydesk({ dnsServers: [dns.address] });
});
afterAll(async () => {
  await relay?.dispose();
  await dns?.close();
});

const message = [
  'From: Py <app@py.example>',
  'To: support@example.net',
  'Subject: Your code',
  'Date: Thu, 03 Dec 2026 09:00:00 +0000',
  'Message-ID: <code@py.example>',
  '',
  'Your code is 123456.',
  '',
].join('\r\n');

/** The message as `dkimsign py1 py.example KEY` writes it: the signature field, then the message. */
function signedByDkimsign(raw: string): string {
  return signedBytes(raw).toString();
}

function signedBytes(raw: string | Buffer): Buffer {
  const run = spawnSync(dkimsign as string, ['py1', 'py.example', pyKeyFile], { input: raw });
  if (run.status !== 0) throw new Error(`dkimsign failed: ${run.stderr.toString()}`);
  return run.stdout;
}

/** An 8-bit Latin-1 body, as an old mail program writes French: not UTF-8. */
const latin1Message = Buffer.from(
  [
    'From: Py <app@py.example>',
    'To: support@example.net',
    'Subject: Facture',
    'Date: Thu, 03 Dec 2026 09:00:00 +0000',
    'Message-ID: <facture@py.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Votre facture est réglée, merci. À bientôt.',
    '',
  ].join('\r\n'),
  'latin1',
);

async function signedByNodemailer(): Promise<string> {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    dkim: { domainName: 'node.example', keySelector: 'nm1', privateKey: nodeKey },
  });
  const info = await transport.sendMail({
    from: 'Shop <orders@node.example>',
    to: 'support@example.net',
    subject: 'Order 42 shipped',
    text: 'Your order ships today.',
  });
  return (info.message as Buffer).toString();
}

/** Analyze as curl posts an .eml (text/plain), or as the GUI sends a paste (JSON). */
async function analyze(text: string, as: 'text' | 'json' = 'text'): Promise<AnalyzedHeaders> {
  return relay.api<AnalyzedHeaders>('/api/v1/analyze', {
    method: 'POST',
    headers: { 'Content-Type': as === 'text' ? 'text/plain' : 'application/json' },
    body: as === 'text' ? text : JSON.stringify({ headers: text }),
  });
}

describe.skipIf(!dkimsign)('Analyze verifies the DKIM of a whole message', () => {
  it('passes a message signed by dkimsign, naming what the signature covers', async () => {
    const answer = await analyze(signedByDkimsign(message));
    expect(answer.dkim).toEqual({
      state: 'verified',
      note: '',
      offline: false,
      signatures: [
        {
          domain: 'py.example',
          selector: 'py1',
          algorithm: 'rsa-sha256',
          signedHeaders: expect.arrayContaining(['from', 'to', 'subject', 'date']),
          verdict: expect.objectContaining({
            result: 'pass',
            badge: 'pass',
            domain: 'py.example',
            selector: 'py1',
            aligned: true,
          }),
        },
      ],
    });
    // the route itself is as before: no Received field, so no route
    expect(answer.hops).toEqual([]);
    expect(answer.warnings.map((w) => w.code)).toContain('no-received');
  });

  it('passes a message signed by nodemailer, also pasted with LF line ends as a browser sends it', async () => {
    const signed = await signedByNodemailer();
    const answer = await analyze(signed);
    expect(answer.dkim.signatures).toEqual([
      expect.objectContaining({
        domain: 'node.example',
        selector: 'nm1',
        verdict: expect.objectContaining({ result: 'pass', badge: 'pass' }),
      }),
    ]);
    // a text field turns CRLF into LF: the relay verifies the message as it went over the wire
    const pasted = await analyze(signed.replace(/\r\n/g, '\n'), 'json');
    expect(pasted.dkim.signatures[0]?.verdict).toMatchObject({ result: 'pass', badge: 'pass' });
  });

  it('fails a message whose body was changed after signing, saying so', async () => {
    const changed = signedByDkimsign(message).replace('123456', '654321');
    const answer = await analyze(changed);
    expect(answer.dkim.state).toBe('verified');
    expect(answer.dkim.signatures[0]?.verdict).toMatchObject({
      result: 'neutral',
      badge: 'fail',
      reason: expect.stringMatching(
        /^body hash did not verify: the body was changed after it was signed/,
      ),
    });
  });

  it('lists the signers of a header block alone and says the body hash cannot be checked', async () => {
    const signed = signedByDkimsign(message);
    const headerBlock = signed.slice(0, signed.indexOf('\r\n\r\n') + 2);
    const asked = dns.questions.length;
    const answer = await analyze(headerBlock);
    expect(answer.dkim).toEqual({
      state: 'header-only',
      note: expect.stringContaining(
        'Only the header block was given, so DKIM is not verified: each signature covers the body too (its body hash, bh=), which cannot be checked without it.',
      ),
      offline: false,
      signatures: [
        {
          domain: 'py.example',
          selector: 'py1',
          algorithm: 'rsa-sha256',
          signedHeaders: expect.arrayContaining(['from', 'subject']),
          verdict: null,
        },
      ],
    });
    // nothing was looked up for a check that cannot be made
    expect(dns.questions.length).toBe(asked);
  });

  it('passes an 8-bit Latin-1 message sent as its bytes, or as one character a byte (the GUI)', async () => {
    const signed = signedBytes(latin1Message);
    const verdict = (answer: AnalyzedHeaders) =>
      answer.dkim.signatures.map((signature) => signature.verdict?.result);
    // curl --data-binary @facture.eml
    const raw = await relay.api<AnalyzedHeaders>('/api/v1/analyze', {
      method: 'POST',
      headers: { 'Content-Type': 'message/rfc822' },
      body: new Uint8Array(signed),
    });
    expect(verdict(raw)).toEqual(['pass']);
    // what the window sends for a file that is not UTF-8
    const json = await relay.api<AnalyzedHeaders>('/api/v1/analyze', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ headers: signed.toString('latin1'), encoding: 'latin1' }),
    });
    expect(verdict(json)).toEqual(['pass']);
    // an encoding not read is named, with what to give
    const wrong = await relay.fetch('/api/v1/analyze', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ headers: signed.toString('latin1'), encoding: 'koi8-r' }),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain(
      'encoding: \\"koi8-r\\" is not read; give \\"latin1\\" (each character one byte of the file, for a message that is not UTF-8) or leave it out',
    );
  });

  it('says an unsigned message is not signed', async () => {
    const answer = await analyze(message);
    expect(answer.dkim).toMatchObject({ state: 'unsigned', signatures: [] });
    expect(answer.dkim.note).toMatch(/^No DKIM-Signature field/);
  });

  it('says a copy without its signature was signed when its receiver reported DKIM', async () => {
    // Outlook's "Internet headers" as a user copies them: Microsoft's Authentication-Results
    // (no authserv-id) says dkim=pass, and the DKIM-Signature field is not in the copy
    const outlookCopy = [
      'Authentication-Results: spf=pass (sender IP is 209.85.128.54)',
      ' smtp.mailfrom=gmail.com; dkim=pass (signature was verified)',
      ' header.d=gmail.com;dmarc=pass action=none header.from=gmail.com',
      'Received: from mail-wm1-f54.google.com (209.85.128.54) by',
      ' BN2PEPF000044A8.mail.protection.outlook.com (10.167.243.102) with Microsoft',
      ' SMTP Server id 15.20.8207.15; Mon, 7 Dec 2026 09:14:20 +0000',
      'From: Bob <bob@gmail.com>',
      'Subject: Quarterly figures',
      '',
    ].join('\n');
    const answer = await analyze(outlookCopy);
    expect(answer.dkim).toMatchObject({ state: 'not-in-copy', signatures: [] });
    expect(answer.dkim.note).toBe(
      'No DKIM-Signature field in what was given, yet the Authentication-Results reported dkim=pass for gmail.com: the message was signed, and the signature was left out of this copy (a mail program’s header view can drop it). Paste or drop the whole message (the .eml, or Gmail’s “Show original” → Download original) to verify it.',
    );
    // Gmail's field names itself and its signer by identity; a receiver's dkim=none is no news
    const gmail = await analyze(
      [
        'ARC-Authentication-Results: i=1; mx.google.com;',
        '       dkim=fail header.i=@news.example header.s=s1 header.b=abc',
        'From: News <hi@news.example>',
        '',
      ].join('\n'),
    );
    expect(gmail.dkim.note).toContain(
      'yet mx.google.com (its ARC-Authentication-Results) reported dkim=fail for news.example:',
    );
    const none = await analyze(
      ['Authentication-Results: mx.example.net; dkim=none', 'From: a@b.example', ''].join('\n'),
    );
    expect(none.dkim.state).toBe('unsigned');
  });
});
