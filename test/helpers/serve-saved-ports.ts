// `relaydesk serve` listening where its saved settings say, for the tests of "Restart now": a
// --smtp or --http flag would pin the address, and a pinned address cannot be changed and saved.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { savedSettingsFileName } from '../../main/core/settings/settings-store.js';
import { freePort, makeTempDir, startServe, type ServeProcess } from './cli-process.js';

export async function serveOnSavedPorts(): Promise<{
  server: ServeProcess;
  smtp: number;
  http: number;
}> {
  const dataDir = await makeTempDir();
  const smtp = await freePort();
  const http = await freePort();
  await writeFile(
    join(dataDir, savedSettingsFileName),
    JSON.stringify({ smtp: `127.0.0.1:${smtp}`, http: `127.0.0.1:${http}` }),
  );
  const server = await startServe({ dataDir, freePorts: false });
  return { server, smtp, http };
}

/** One small message over SMTP to 127.0.0.1:`port`. */
export async function sendTo(port: number, subject: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true });
  try {
    await transport.sendMail({
      from: 'app@example.test',
      to: 'dev@example.test',
      subject,
      text: 'x',
    });
  } finally {
    transport.close();
  }
}
