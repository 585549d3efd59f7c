// Route analysis: the Received chain as hops, the authentication verdicts and the envelope
// against the headers, for `GET /api/v1/message/{ID}/route` and `POST /api/v1/analyze`.
// Pure functions: nothing is stored or looked up, and no input makes them throw.
import { networkHandOver, networkHandOvers } from '../../../preload/route-figures.js';
import type { Envelope } from '../../../preload/api-contract.js';
import { authenticationResults } from './authentication-results.js';
import { dateToFirstHop } from './date-to-first-hop.js';
import { compareEnvelope } from './envelope-check.js';
import { splitHeaderBlock } from '../mail/header-block.js';
import { originHeaders } from './origin-headers.js';
import { buildRoute } from './route.js';
import type { RouteAnalysis } from './types.js';

export type {
  AuthenticationResult,
  ClientCheck,
  DateToFirstHop,
  DkimSignatureSummary,
  EnvelopeComparison,
  Hop,
  InternalStep,
  IpScope,
  OriginHeaders,
  RouteAnalysis,
  Warning,
} from './types.js';
export type { Envelope };
export { splitHeaderBlock, type HeaderField } from '../mail/header-block.js';
export { parseReceived, type ParsedReceived } from './received-parser.js';
export { parseMailDate, type MailDate } from '../mail/mail-date.js';

/**
 * Analyses a bare header block or a whole message (.eml); only the top header block is read.
 * With the envelope Relaydesk recorded, MAIL FROM and RCPT TO are compared with the headers.
 */
export function analyzeMessage(raw: string | Buffer, envelope?: Envelope | null): RouteAnalysis {
  const fields = splitHeaderBlock(raw);
  const route = buildRoute(fields);
  const auth = authenticationResults(fields);
  const submission = dateToFirstHop(fields, route.hops, route.warnings);
  const warnings = [...submission.warnings, ...route.warnings, ...auth.warnings];
  if (route.hops.length === 0) {
    warnings.unshift({ code: 'no-received', message: noRouteWords(fields) });
  }
  let comparison: RouteAnalysis['envelope'] = null;
  if (envelope) {
    const checked = compareEnvelope(fields, envelope);
    comparison = checked.comparison;
    warnings.push(...checked.warnings);
  }
  return {
    hops: route.hops,
    totalSeconds: route.totalSeconds,
    sentAgainAt: route.sentAgainAt,
    slowestHop: route.slowestHop,
    authentication: auth.results,
    warnings,
    positiveSeconds: route.positiveSeconds,
    origin: originHeaders(fields),
    envelope: comparison,
    slowestTies: route.slowestTies,
    verifiedClients: {
      verified: route.hops
        .filter((hop) => hop.clientCheck === 'verified' && networkHandOver(hop))
        .map((hop) => hop.index),
      networkHops: networkHandOvers(route.hops),
    },
    dateToFirstHop: submission.line,
  };
}

/** Fields a server adds on delivery: a copy with any of them went through one. */
const traceFields = new Set([
  'return-path',
  'delivered-to',
  'x-original-to',
  'x-received',
  'authentication-results',
  'arc-seal',
  'received-spf',
]);

/**
 * Why there is no route, by what the header is. A whole header block written by a mail program
 * (From, Date, Message-ID) with no field a server adds on delivery is the sender's own copy (a
 * sent or draft .eml, an app's saved outbox): it was told to paste "the whole header as the mail
 * program shows it", which it already was; what has a route is the copy a recipient got.
 */
function noRouteWords(fields: ReturnType<typeof splitHeaderBlock>): string {
  if (fields.length === 0)
    return 'No header fields were found: paste the headers or the whole message.';
  const names = new Set(fields.map((field) => field.name.toLowerCase()));
  const written = ['from', 'date', 'message-id'].every((name) => names.has(name));
  const delivered = [...traceFields].some((name) => names.has(name));
  if (written && !delivered) {
    return (
      'The message has no Received fields: it is a copy no server has handled yet, as the ' +
      'program that wrote it saved it (a sent or draft .eml, an outbox), so there is no route. ' +
      'For the route, analyze the copy a recipient got (Gmail: ⋮ → Show original; Outlook: ' +
      'File → Properties → Internet headers).'
    );
  }
  return (
    'The header has no Received fields, so there is no route to show. Paste the whole ' +
    'header as the mail program shows it (Gmail: ⋮ → Show original; Outlook: File → ' +
    'Properties → Internet headers): a forwarded or replied copy leaves them out.'
  );
}
