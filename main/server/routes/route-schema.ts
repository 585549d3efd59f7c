// The answer of GET /api/v1/message/{ID}/route and POST /api/v1/analyze as the OpenAPI document
// describes it: the RouteAnalysis of preload/route-contract.ts, whose doc comments say what each
// field means. Objects stay open (additionalProperties) so the serialiser never drops a field the
// core adds later; test/integration/route-schema.test.ts closes them and checks real answers
// against this, so a field added, renamed or dropped without the document fails there.

const text = { type: 'string' } as const;
const maybeText = { type: 'string', nullable: true } as const;
const maybeNumber = { type: 'number', nullable: true } as const;
const maybeInteger = { type: 'integer', nullable: true } as const;
const maybeBoolean = { type: 'boolean', nullable: true } as const;
const indexes = { type: 'array', items: { type: 'integer' } } as const;

/** Every key is always there: absent values are null, never left out (route-contract.ts). */
const allOf = <P extends Record<string, unknown>>(properties: P, description?: string) =>
  ({
    type: 'object',
    additionalProperties: true,
    required: Object.keys(properties),
    properties,
    ...(description ? { description } : {}),
  }) as const;

const hop = allOf(
  {
    from: { ...maybeText, description: 'The HELO/EHLO name the client gave' },
    fromRdns: { ...maybeText, description: 'The reverse-DNS name the receiver looked up' },
    fromIp: { ...maybeText, description: 'The client address, bare' },
    by: { ...maybeText, description: 'The receiving host' },
    with: { ...maybeText, description: 'The protocol (RFC 3848 keyword or as written)' },
    tls: maybeBoolean,
    id: maybeText,
    for: maybeText,
    timestamp: { ...maybeText, description: 'ISO 8601, UTC' },
    delaySeconds: {
      ...maybeNumber,
      description: "This hop's time minus the nearest earlier dated hop's; negative: clock skew",
    },
    raw: { ...text, description: 'The whole field as written' },
    parsed: { type: 'boolean', description: 'False when nothing in the field could be read' },
    index: { type: 'integer', description: '0-based, oldest first' },
    via: maybeText,
    byIp: maybeText,
    envelopeFrom: maybeText,
    tlsVersion: maybeText,
    tlsCipher: maybeText,
    authenticated: { type: 'boolean' },
    local: { type: 'boolean', description: 'Submitted on the receiving host itself' },
    forged: { type: 'boolean', description: 'The receiver wrote `may be forged`' },
    fromIpScope: {
      type: 'string',
      nullable: true,
      enum: [
        'public',
        'private',
        'shared',
        'loopback',
        'link-local',
        'unique-local',
        'documentation',
        'multicast',
        'unspecified',
        'reserved',
        null,
      ],
    },
    private: maybeBoolean,
    utcOffsetMinutes: maybeInteger,
    zone: maybeText,
    zoneKnown: maybeBoolean,
    skew: { type: 'boolean' },
    broken: { type: 'boolean', description: "The client is not the previous hop's receiver" },
    clientCheck: {
      type: 'string',
      enum: ['verified', 'address', 'claimed', 'none', 'local'],
      description: 'How far the receiving server vouches for the client',
    },
    internalStep: {
      type: 'object',
      nullable: true,
      additionalProperties: true,
      required: ['kind', 'host'],
      properties: {
        kind: {
          type: 'string',
          enum: [
            'same-machine',
            'provider-http',
            'provider-origin',
            'provider-mailbox',
            'mapi-submission',
            'api-submission',
            'provider-step',
          ],
        },
        host: {
          ...text,
          description: "The machine the step was on, or the provider's registered domain",
        },
      },
      description:
        "A step inside one machine or one provider's network, not one server passing the message to another",
    },
  },
  'One Received field (RFC 5321 §4.4)',
);

const warning = {
  type: 'object',
  additionalProperties: true,
  required: ['code', 'message'],
  properties: {
    code: text,
    message: text,
    hop: { type: 'integer', description: 'The hop it is about (0-based), when it is about one' },
  },
} as const;

const authenticationResult = allOf({
  header: {
    type: 'string',
    enum: ['Authentication-Results', 'ARC-Authentication-Results', 'Received-SPF'],
  },
  fieldIndex: { type: 'integer', description: 'Which field of that name, 0 = top-most' },
  instance: { ...maybeInteger, description: 'ARC instance (i=)' },
  authservId: maybeText,
  method: text,
  result: text,
  reason: maybeText,
  comment: maybeText,
  properties: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: '`ptype.property` → value (smtp.mailfrom, header.d, header.from…)',
  },
});

const origin = allOf({
  returnPath: { ...maybeText, description: '"" for the null sender <>' },
  messageIdDomain: maybeText,
  dkimSignatures: {
    type: 'array',
    items: allOf({
      domain: maybeText,
      selector: maybeText,
      algorithm: maybeText,
      identity: maybeText,
    }),
  },
  xOriginatingIp: maybeText,
  xForwardedFor: { type: 'array', nullable: true, items: text },
  xForwardedForClient: maybeText,
  xMailer: maybeText,
  userAgent: maybeText,
});

const addresses = { type: 'array', items: text } as const;

const envelope = {
  ...allOf(
    {
      mailFrom: { ...text, description: 'MAIL FROM; "" for the null sender' },
      from: addresses,
      sender: maybeText,
      returnPath: maybeText,
      mailFromMatchesFrom: { type: 'boolean' },
      mailFromMatchesReturnPath: maybeBoolean,
      mailFromAligned: {
        type: 'boolean',
        description:
          "MAIL FROM's domain is the From address's or in its registered domain (DMARC relaxed alignment)",
      },
      automatic: {
        type: 'string',
        enum: ['delivery-report', 'auto-submitted', null],
        nullable: true,
        description: 'A delivery report or an automatic reply: mail sent from the null sender',
      },
      rcptTo: addresses,
      headerRecipients: addresses,
      bcc: addresses,
      notInEnvelope: addresses,
    },
    'The SMTP envelope against the headers; null for pasted headers',
  ),
  nullable: true,
} as const;

const dateToFirstHop = {
  ...allOf({
    date: text,
    zoneKnown: { type: 'boolean' },
    hop: { type: 'integer' },
    seconds: { type: 'number' },
    kind: { type: 'string', enum: ['submission', 'clock-ahead', 'held'] },
    message: text,
  }),
  nullable: true,
} as const;

const routeProperties = {
  hops: { type: 'array', items: hop, description: 'Oldest (bottom-most field) first' },
  totalSeconds: {
    ...maybeNumber,
    description:
      'Time in transit from the first stamp a receiver vouches for to the last, less a re-send',
  },
  sentAgainAt: maybeInteger,
  slowestHop: maybeInteger,
  authentication: { type: 'array', items: authenticationResult },
  warnings: { type: 'array', items: warning },
  positiveSeconds: maybeNumber,
  origin,
  envelope,
  slowestTies: indexes,
  verifiedClients: allOf({ verified: indexes, networkHops: { type: 'integer' } }),
  dateToFirstHop,
} as const;

const routeDescription =
  'The Received chain, the authentication results and the envelope (preload/route-contract.ts)';

export const routeResponse = { 200: allOf(routeProperties, routeDescription) } as const;

const deliveryReport = allOf(
  {
    reportingMta: text,
    recipients: {
      type: 'array',
      items: allOf({
        address: text,
        action: text,
        status: text,
        remoteMta: text,
        diagnosticCode: text,
      }),
    },
    original: { ...allOf({ subject: text, messageId: text }), nullable: true },
  },
  'What the report says of each recipient (RFC 3464), as the message view shows it',
);

/** Analyze's DKIM finding (AnalyzedDkim in preload/auth-contract.ts). */
const analyzedDkim = allOf(
  {
    state: {
      type: 'string',
      enum: ['verified', 'header-only', 'unsigned', 'not-in-copy'],
      description:
        'verified: a whole message was given and each signature checked against DNS; header-only: no body, so the signers are listed unverified (a body hash cannot be checked without the body); unsigned: no DKIM-Signature; not-in-copy: no DKIM-Signature in what was given, but its Authentication-Results report a DKIM result, so the signature was left out of the copy',
    },
    note: { ...text, description: "What the state means, in words; '' when verified" },
    offline: {
      type: 'boolean',
      description: 'Some lookups could not be made: DNS was unreachable',
    },
    signatures: {
      type: 'array',
      items: allOf({
        domain: { ...text, description: 'd=' },
        selector: { ...text, description: 's=' },
        algorithm: { ...text, description: 'a=' },
        signedHeaders: {
          type: 'array',
          items: text,
          description: 'h=: the header fields it signs, as written there',
        },
        verdict: {
          ...allOf(
            {
              result: { ...text, description: 'As RFC 8601 names it (pass, fail, neutral, …)' },
              badge: { type: 'string', enum: ['pass', 'fail', 'neutral', 'offline'] },
              reason: text,
              domain: text,
              selector: text,
              aligned: {
                type: 'boolean',
                description: 'd= aligns with the From domain (DMARC relaxed)',
              },
            },
            'The verification against DNS now, as the message view’s own check; null for a header block alone',
          ),
          nullable: true,
        },
      }),
    },
  },
  'The DKIM signatures of what was given, verified when the body came with it',
);

/** POST /api/v1/analyze: the route, and of a delivery report its report and the returned route. */
export const analyzeResponse = {
  200: allOf(
    {
      ...routeProperties,
      report: {
        ...allOf(
          {
            deliveryReport,
            returned: {
              ...allOf({ subject: text, route: allOf(routeProperties) }),
              nullable: true,
            },
          },
          'Of a delivery report (a bounce): what it reports and the route of the message it returns',
        ),
        nullable: true,
      },
      dkim: analyzedDkim,
    },
    routeDescription,
  ),
} as const;
