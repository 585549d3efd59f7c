// A recipient's routing rule is called `rule` (the word "route" is the Received-chain analysis).
// Data and clients from before the rename keep working: a sidecar that says `route` still loads
// and shows its rule, and the delivery answer carries both keys, `route` documented as deprecated.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDelivery } from '../../preload/api-contract.js';
import { serviceCalls } from '../../main/desktop/ipc-handlers.js';
import { newMessageId } from '../../main/core/spool/message-id.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { makeRecord } from '../search/record-factory.js';

const oldRule = 'rule 2 (*@customers.example): redirect to qa@team.example';

/** A sidecar exactly as Relaydesk wrote it before the rename: the rule's text under `route`. */
async function writeOldSpool(dataDir: string, id: string): Promise<void> {
  const spool = join(dataDir, 'spool');
  await mkdir(spool, { recursive: true });
  // an hour ago: a fixed date ages past relayed mail's keep time (7 days), and the start's
  // retention removed the message (the test failed from 2026-12-05 10:00 UTC on)
  const at = new Date(Date.now() - 3_600_000).toISOString();
  const record = makeRecord({
    id,
    receivedAt: at,
    envelope: { rcptTo: ['alice@customers.example'] },
    summary: { subject: 'from before the rename' },
  });
  const delivery = [
    {
      address: 'alice@customers.example',
      deliverTo: 'qa@team.example',
      state: 'relayed',
      route: oldRule,
      nextAttemptAt: null,
      firstAttemptAt: at,
      attempts: [],
      history: [
        { state: 'pending', at, reason: oldRule },
        { state: 'relayed', at, reason: '250 2.0.0 Ok' },
      ],
    },
  ];
  await writeFile(
    join(spool, `${id}.eml`),
    'Received: from x by y; Sat, 28 Nov 2026 10:00:00 +0000\r\nSubject: from before the rename\r\n\r\nbody\r\n',
  );
  await writeFile(join(spool, `${id}.json`), JSON.stringify({ version: 1, ...record, delivery }));
}

describe('the routing rule of a recipient, under its new name and its old one', () => {
  let relay: TestRelaydesk;
  const id = newMessageId();
  beforeAll(async () => {
    const dataDir = await makeDataDir();
    await writeOldSpool(dataDir, id);
    relay = await startTestRelaydesk({}, dataDir);
  });
  afterAll(async () => relay?.dispose());

  it('loads a sidecar written with `route` and shows its rule; HTTP and IPC answer both keys', async () => {
    const http = await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect(http.recipients).toHaveLength(1);
    expect(http.recipients[0]).toMatchObject({
      address: 'alice@customers.example',
      state: 'relayed',
      rule: oldRule,
      route: oldRule,
    });
    // the serialiser keeps what the schema does not list
    expect(http.recipients[0]?.history).toHaveLength(2);
    // the desktop window's IPC answers the same, through the same edge
    const ipc = await serviceCalls.delivery(relay.service, id);
    expect(ipc.recipients[0]?.rule).toBe(oldRule);
    expect(ipc.recipients[0]?.route).toBe(oldRule);
    // the record the core keeps has only the new name
    expect(relay.service.record(id).delivery?.[0]).not.toHaveProperty('route');
  });

  it('documents `route` as deprecated in the OpenAPI document', async () => {
    type Schema = { properties?: Record<string, Schema>; items?: Schema; deprecated?: boolean };
    const doc = await relay.api<{
      paths: Record<
        string,
        Record<
          string,
          { responses: Record<string, { content: Record<string, { schema: Schema }> }> }
        >
      >;
    }>('/api/v1/openapi.json');
    const schema =
      doc.paths['/api/v1/message/{id}/delivery']?.get?.responses['200']?.content['application/json']
        ?.schema;
    const recipient = schema?.properties?.recipients?.items?.properties;
    expect(recipient?.route?.deprecated).toBe(true);
    expect(recipient?.rule).toBeDefined();
    expect(recipient?.rule?.deprecated).toBeUndefined();
  });
});
