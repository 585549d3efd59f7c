import { test } from 'vitest';
import { deliverToUpstream } from '../../main/core/upstream/delivery-attempt.js';
import { upstreamSettingsSchema } from '../../main/core/upstream/upstream-settings.js';
import { startUpstreamServer } from '../helpers/upstream-server.js';
test('s', async () => {
  const up = await startUpstreamServer({ users: { alice: 'pw-secret' } });
  for (const mechanism of ['LOGIN', 'CRAM-MD5'] as const) {
    const a = await deliverToUpstream(upstreamSettingsSchema.parse({ host: up.host, port: up.port, caFile: up.certificate!.caFile, auth: { user: 'alice', password: 'pw-secret', mechanism } }), { mailFrom: 'a@x.test', rcptTo: ['b@y.test'] }, Buffer.from('x\r\n'));
    console.log(a.transcript.split('\n').filter(l => /AUTH|\*\*\*|334|235/.test(l)).join('\n'));
  }
  const b = await deliverToUpstream(upstreamSettingsSchema.parse({ host: up.host, port: up.port, caFile: up.certificate!.caFile, auth: { user: 'alice', password: 'bad-secret', mechanism: 'LOGIN' } }), { mailFrom: 'a@x.test', rcptTo: ['b@y.test'] }, Buffer.from('x\r\n'));
  console.log(b.transcript, JSON.stringify(b.pauseUpstream));
  await up.close();
});
