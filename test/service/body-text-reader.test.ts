// The refill's reader of a message's body text: the .eml parsed as at its arrival, small and
// large messages asked for at once, an unreadable one refused, null for one removed meanwhile.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MessageParser } from '../../main/core/parse/message-parser.js';
import { bodyTextReader } from '../../main/core/service/body-text-reader.js';
import { Spool } from '../../main/core/spool/spool.js';

let dataDir: string;
let spool: Spool;
const parser = new MessageParser();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-body-reader-'));
  spool = new Spool(dataDir);
  await mkdir(spool.messagesDir, { recursive: true });
});

afterAll(async () => {
  await parser.close();
  await rm(dataDir, { recursive: true, force: true });
});

function eml(text: string, attachmentBytes = 0): string {
  const head = 'From: a@x.example\r\nTo: b@y.example\r\nSubject: s\r\nMIME-Version: 1.0\r\n';
  if (attachmentBytes === 0)
    return `${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`;
  const data = Buffer.alloc(attachmentBytes, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
  return (
    `${head}Content-Type: multipart/mixed; boundary="b1"\r\n\r\n` +
    `--b1\r\nContent-Type: text/plain\r\n\r\n${text}\r\n` +
    `--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="x.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${data}\r\n--b1--\r\n`
  );
}

it('reads small and large messages, several at once, and says null for one removed', async () => {
  await writeFile(spool.emlPath('small'), eml('The Okapi grazes'));
  await writeFile(spool.emlPath('large1'), eml('first large one', 2 * 1024 * 1024));
  await writeFile(spool.emlPath('large2'), eml('second large one', 3 * 1024 * 1024));
  // a message that cannot be read: a folder in its place
  await mkdir(spool.emlPath('broken'));
  const read = bodyTextReader(spool, parser);
  const [small, large1, broken, large2, gone] = await Promise.allSettled([
    read('small'),
    read('large1'),
    read('broken'),
    read('large2'),
    read('gone'),
  ]);
  expect(small).toEqual({ status: 'fulfilled', value: 'the okapi grazes' });
  // the attachment's file name is searched too, as Mailpit's search text has it
  expect(large1).toEqual({ status: 'fulfilled', value: 'first large one x.bin' });
  expect(large2).toEqual({ status: 'fulfilled', value: 'second large one x.bin' });
  expect(broken.status).toBe('rejected');
  expect(gone).toEqual({ status: 'fulfilled', value: null });
});
