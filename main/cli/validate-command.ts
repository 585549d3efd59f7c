// `relaydesk validate`: addresses on standard input, one per line; for each a line
// `<address>\t<valid|invalid|risky|unknown>\t<reason>`, in input order, then a summary line.
// `unknown` is what DNS trouble gives, never `invalid`.
import { parseArgs } from 'node:util';
import { AddressChecker, type AddressVerdict } from '../core/address-check/address-checker.js';
import { DnsResolver } from '../core/dns/dns-resolver.js';
import { resolveSettings } from '../core/settings/settings-sources.js';
import { SettingsError } from '../core/settings/settings-schema.js';

const usage = `Usage: relaydesk validate [--dns-servers LIST] < addresses.txt

Reads addresses as UTF-8 text, one per line (blank lines and lines starting with # are
skipped; a line that is not UTF-8 is invalid), and prints
  <address>\\t<valid|invalid|risky|unknown>\\t<reason>
for each, then a summary line. unknown: DNS could not be asked (never counted as invalid).

  --dns-servers LIST   DNS servers, IP or IP:PORT, comma-separated (default: RELAYDESK_DNS_SERVERS,
                       else the system resolvers)
`;

/** Lookups in flight at once: enough to be quick on a long list, few enough to be polite. */
const parallel = 8;

/** A line of input: its text, and whether its bytes were UTF-8 at all. */
interface InputLine {
  text: string;
  utf8: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

async function readLines(): Promise<InputLine[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = Buffer.concat(chunks);
  const lines: InputLine[] = [];
  let start = 0;
  while (start < input.length) {
    const end = input.indexOf(0x0a, start);
    const bytes = input.subarray(start, end === -1 ? input.length : end);
    start = end === -1 ? input.length : end + 1;
    // a list saved as Windows-1252 or Latin-1 (a spreadsheet's CSV) turns jörg into j\ufffdrg,
    // which would pass as a UTF-8 mailbox: such a line is named, not checked
    let text: string;
    let utf8 = true;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      text = bytes.toString('utf8');
      utf8 = false;
    }
    text = text.trim();
    if (text !== '' && !text.startsWith('#')) lines.push({ text, utf8 });
  }
  return lines;
}

export async function runValidateCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { 'dns-servers': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    process.stderr.write(`relaydesk validate: ${(err as Error).message.split('\n')[0]}\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
  }
  let servers: string[];
  try {
    const dnsFlag = parsed.values['dns-servers'];
    servers = resolveSettings({
      env: process.env,
      flags: dnsFlag !== undefined ? { '--dns-servers': dnsFlag } : {},
    }).dnsServers;
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    process.stderr.write(`relaydesk validate: ${err.message}\n`);
    return 2;
  }
  const checker = new AddressChecker(new DnsResolver({ servers }));
  const addresses = await readLines();
  const counts: Record<AddressVerdict, number> = { valid: 0, invalid: 0, risky: 0, unknown: 0 };
  let next = 0;
  const results = new Array<string | undefined>(addresses.length);
  // each line is printed as soon as it and every line before it are checked, in the list's order,
  // so a long list shows progress (and `| head` answers) instead of waiting for the last lookup
  let printed = 0;
  const printReady = (): void => {
    let out = '';
    for (; printed < results.length && results[printed] !== undefined; printed++) {
      out += results[printed];
      results[printed] = undefined;
    }
    if (out !== '') process.stdout.write(out);
  };
  const worker = async (): Promise<void> => {
    while (next < addresses.length) {
      const i = next++;
      const line = addresses[i] as InputLine;
      const check = line.utf8
        ? await checker.check(line.text)
        : {
            address: line.text,
            verdict: 'invalid' as const,
            reason: 'the line is not UTF-8 text; save the list as UTF-8 and check it again',
          };
      counts[check.verdict]++;
      results[i] = `${check.address}\t${check.verdict}\t${check.reason}\n`;
      if (i === printed) printReady();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, addresses.length) }, worker));
  printReady();
  process.stdout.write(
    `${addresses.length} address${addresses.length === 1 ? '' : 'es'}: ${counts.valid} valid, ${counts.invalid} invalid, ${counts.risky} risky, ${counts.unknown} unknown\n`,
  );
  return 0;
}
