// A real DNS server for tests: UDP on 127.0.0.1 with a port from bind(0), answering from a zone
// the test writes. Names can be made to answer SERVFAIL or to stay silent (a timeout), and the
// whole server can go silent (DNS "offline"). Close it after the test: `await dns.close()`.
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket, { type Answer, type Packet, type Question } from 'dns-packet';

export interface ZoneRecords {
  A?: string[];
  AAAA?: string[];
  /** `{exchange: '.', priority: 0}` is a null MX (RFC 7505). */
  MX?: Array<{ exchange: string; priority: number }>;
  /** Each record is one string (split in 255-octet chunks on the wire) or its chunks. */
  TXT?: Array<string | string[]>;
}

export interface TestDnsServer {
  /** `127.0.0.1:PORT`, as the dnsServers setting takes it. */
  address: string;
  port: number;
  zone: Map<string, ZoneRecords>;
  set(name: string, records: ZoneRecords): void;
  /** Names answered with SERVFAIL. */
  servfail: Set<string>;
  /** Names never answered. */
  silentNames: Set<string>;
  /** When true, no query is answered. */
  silent: boolean;
  /** Every question asked, in order (`TYPE name`). */
  questions: string[];
  close(): Promise<void>;
}

const chunk = (text: string): string[] => {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 255) out.push(text.slice(i, i + 255));
  return out.length ? out : [''];
};

function answersFor(question: Question, records: ZoneRecords): Answer[] {
  const base = { name: question.name, ttl: 60, class: 'IN' as const };
  switch (question.type) {
    case 'A':
      return (records.A ?? []).map((data) => ({ ...base, type: 'A' as const, data }));
    case 'AAAA':
      return (records.AAAA ?? []).map((data) => ({ ...base, type: 'AAAA' as const, data }));
    case 'MX':
      return (records.MX ?? []).map((mx) => ({
        ...base,
        type: 'MX' as const,
        data: { preference: mx.priority, exchange: mx.exchange === '.' ? '' : mx.exchange },
      }));
    case 'TXT':
      return (records.TXT ?? []).map((txt) => ({
        ...base,
        type: 'TXT' as const,
        data: typeof txt === 'string' ? chunk(txt) : txt,
      }));
    default:
      return [];
  }
}

export async function startDnsServer(): Promise<TestDnsServer> {
  const socket: Socket = createSocket('udp4');
  const zone = new Map<string, ZoneRecords>();
  const server: TestDnsServer = {
    address: '',
    port: 0,
    zone,
    set: (name, records) => void zone.set(name.toLowerCase(), records),
    servfail: new Set(),
    silentNames: new Set(),
    silent: false,
    questions: [],
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (message, remote) => {
    let query: Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    server.questions.push(`${question.type} ${name}`);
    if (server.silent || server.silentNames.has(name)) return;
    const records = zone.get(name);
    // the RCODE is the low four bits of the flags: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN
    const rcode = server.servfail.has(name) ? 2 : records ? 0 : 3;
    const reply = dnsPacket.encode({
      id: query.id,
      type: 'response',
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: [question],
      answers: rcode === 0 && records ? answersFor(question, records) : [],
    });
    socket.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  server.port = (socket.address() as AddressInfo).port;
  server.address = `127.0.0.1:${server.port}`;
  return server;
}
