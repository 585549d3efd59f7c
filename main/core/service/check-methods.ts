// The facade's checks of a message (SpamAssassin, email clients' HTML support, links, DKIM/SPF/
// DMARC/ARC) and of addresses, and the DKIM signing keys.
import type { DkimKeyInput, DkimKeyRemoval } from '../../../preload/auth-contract.js';
import type { AddressCheck } from '../address-check/address-checker.js';
import { checkAuthentication, type MessageAuthCheck } from '../authcheck/auth-check.js';
import { deliveringClient } from '../authcheck/delivering-client.js';
import { ipScope } from '../net/ip-address.js';
import type { MessageRecord } from '../message-record.js';
import { NoHtmlError } from '../checks/html-check/html-checker.js';
import type { HtmlCheckResult } from '../checks/html-check/index.js';
import type { LinkCheckResult } from '../checks/link-check/index.js';
import { checkSpam, type SpamCheckResult } from '../checks/spam-check/index.js';
import type { DkimDnsCheck } from '../signing/dkim-record.js';
import type { DkimKeyInfo } from '../signing/key-store.js';
import { onFirstUse } from '../load/first-use.js';
import { AssetProxy, type ProxiedAsset } from '../asset-proxy/index.js';
import { relaydeskVersion } from './message-store.js';
import type { ServiceParts } from './service-parts.js';

// htmlparser2: loaded when a user first asks for the link check (the HTML check loads css-tree,
// htmlparser2 and caniemail's data in its own worker: checks/html-check/html-checker.ts)
const linkCheckModule = onFirstUse(
  'the link check (htmlparser2)',
  () => import('../checks/link-check/index.js'),
);

export function checkMethods({ settings, store, dns, recipientCheck, htmlChecker }: ServiceParts) {
  /** The HTML and text bodies; a message mailparser cannot read is scanned as its raw source. */
  const bodies = async (id: string): Promise<{ html: string; text: string }> => {
    const raw = await store.raw(id);
    try {
      const detail = await store.parser.detail(raw);
      return { html: detail.html, text: detail.text };
    } catch {
      return { html: '', text: raw.toString('utf8') };
    }
  };
  const assetProxy = new AssetProxy();
  return {
    /** The message as SpamAssassin scores it; `Error` says why when spamd is not available. */
    spamCheck: async (id: string): Promise<SpamCheckResult> =>
      checkSpam(settings.spamassassin, await store.raw(id)),

    /** How well email clients support the message's HTML and CSS (caniemail.com's data). */
    async htmlCheck(id: string): Promise<HtmlCheckResult> {
      const { html } = await bodies(id);
      if (html.trim() === '')
        throw new NoHtmlError(`message ${store.record(id).id} has no HTML part`);
      // in the HTML check's worker: a large newsletter's check held every SMTP session up
      return htmlChecker.check(html);
    },

    /**
     * Every link and image URL of the message with its HTTP status (HEAD; GET too when `get` or
     * the linkCheckGet setting allows it). `follow` follows redirects to http(s) URLs.
     */
    async linkCheck(
      id: string,
      options: { follow?: boolean; get?: boolean } = {},
    ): Promise<LinkCheckResult> {
      const { html, text } = await bodies(id);
      const { checkLinks } = await linkCheckModule();
      return checkLinks(html, text, {
        follow: options.follow ?? false,
        useGet: options.get ?? settings.linkCheckGet,
        timeoutMs: settings.linkCheckTimeoutMs,
        allowInternal: settings.allowInternalHttpRequests,
        userAgent: `Relaydesk/${relaydeskVersion} (link check)`,
      });
    },

    /**
     * A remote image, style sheet or font that message `id`'s HTML loads, for the HTML
     * screenshot (Mailpit's /proxy), fetched under the link check's guard against internal
     * addresses. AssetRefusedError says what was refused and why.
     */
    async proxyAsset(id: string, url: string): Promise<ProxiedAsset> {
      const record = store.record(id);
      const html = async () => (await bodies(record.id)).html;
      return assetProxy.fetch(record.id, html, url, {
        allowInternal: settings.allowInternalHttpRequests,
        userAgent: `Relaydesk/${relaydeskVersion} (HTML screenshot)`,
      });
    },

    /** DKIM, SPF, DMARC and ARC of a message, as its receiver would judge them. */
    async authCheck(id: string): Promise<MessageAuthCheck> {
      const record = store.record(id);
      const raw = await store.spool.readRaw(record.id);
      const imported = record.envelope.origin === 'ingest';
      // a program here handing in mail delivered elsewhere before (a saved message sent again):
      // its earlier stamps name the client its sender's SPF is about; an app's own mail has none
      const sentAgain =
        !imported &&
        record.envelope.origin !== 'relaydesk' &&
        ipScope(record.envelope.clientIp) === 'loopback';
      const delivering = imported || sentAgain ? deliveringClient(raw) : null;
      const check = await checkAuthentication(dns, {
        id: record.id,
        raw,
        clientIp: delivering?.ip ?? record.envelope.clientIp,
        helo: delivering ? delivering.helo : record.envelope.helo,
        sender: record.envelope.mailFrom,
        hostname: settings.hostname,
      });
      const signedBy = relayedSignedBy(record);
      const unsigned = signedBy.length === 0 ? relayedUnsignedReason(record) : undefined;
      return {
        ...check,
        ...(imported || delivering
          ? {
              spfClientFrom: delivering && {
                hop: delivering.hop,
                receiver: delivering.receiver,
                why: imported ? ('imported' as const) : ('sent-again' as const),
              },
            }
          : {}),
        relayedSignedBy: signedBy,
        ...(unsigned ? { relayedUnsignedReason: unsigned } : {}),
      };
    },

    /** Checks addresses as the relay would before sending (syntax, DNS, typos). */
    checkAddresses: (addresses: string[]): Promise<AddressCheck[]> =>
      Promise.all(addresses.map((a) => recipientCheck.check(a))),
  };
}

export function signingMethods({ dkim }: ServiceParts) {
  return {
    /** The DKIM keys with the DNS record each needs. */
    dkimKeys: (): Promise<DkimKeyInfo[]> => dkim.keys.list(),

    /** Generates a key (RSA-2048 or Ed25519), or imports `privateKey` (PEM), as an active selector. */
    addDkimKey: (input: DkimKeyInput): Promise<DkimKeyInfo> => dkim.keys.add(input),

    /** Turns a selector's signing on or off (rotation: retire the old one after the overlap). */
    setDkimKeyActive: (domain: string, selector: string, active: boolean): Promise<DkimKeyInfo> =>
      dkim.keys.setActive(domain, selector, active),

    /** Deletes a selector; says what signs its domain's mail now (nothing: a warning). */
    removeDkimKey: (domain: string, selector: string): Promise<DkimKeyRemoval> =>
      dkim.keys.remove(domain, selector),

    /** "Check DNS": is the selector's record published, and is it this key? */
    checkDkimDns: (domain: string, selector: string): Promise<DkimDnsCheck> =>
      dkim.checkDns(domain, selector),
  };
}

export type CheckMethods = ReturnType<typeof checkMethods>;
export type SigningMethods = ReturnType<typeof signingMethods>;

/**
 * The keys that signed what was relayed: relayed mail is signed on its way to the upstream,
 * after it was stored, so the check of the stored copy alone read "not signed" to someone who
 * had set up DKIM (the Route tab said which keys signed; the API did not).
 */
function relayedSignedBy(record: MessageRecord): MessageAuthCheck['relayedSignedBy'] {
  const keys = new Map<string, MessageAuthCheck['relayedSignedBy'][number]>();
  for (const recipient of record.delivery ?? []) {
    for (const attempt of recipient.attempts) {
      for (const key of attempt.signedBy ?? []) {
        const { domain, selector, algorithm } = key;
        keys.set(`${selector}._domainkey.${domain}`, { domain, selector, algorithm });
      }
    }
  }
  return [...keys.values()];
}

/**
 * Why the relayed copies went out unsigned, from the newest attempt that says: the stored copy's
 * "DKIM neutral — message not signed" left an office with keys asking whether signing ran at all.
 */
function relayedUnsignedReason(record: MessageRecord): string | undefined {
  let newest: { at: string; reason: string } | undefined;
  for (const recipient of record.delivery ?? []) {
    for (const attempt of recipient.attempts) {
      if (attempt.unsignedReason && (!newest || attempt.startedAt > newest.at)) {
        newest = { at: attempt.startedAt, reason: attempt.unsignedReason };
      }
    }
  }
  return newest?.reason;
}
