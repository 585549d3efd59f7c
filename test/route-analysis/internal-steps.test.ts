// Hops that are steps inside one machine or one provider's network rather than one server handing the message to
// another: they join the chain, read as what they are on the Route tab, and are not counted among
// the hand-overs whose client a receiver could check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';
import {
  clientCheckLabel,
  hopClient,
  hopCountText,
  hopReceiver,
  internalStepNote,
  ipScopeLabel,
  sentOnFromMailbox,
  tlsLabel,
  verifiedClientsText,
} from '../../renderer/src/route/route-format.js';

const codes = (raw: string) => analyzeMessage(raw).warnings.map((w) => [w.code, w.hop]);

describe('Yahoo’s gateway handing the message over by HTTP', () => {
  // Yahoo's outbound server stamps its own gateway's hand-over with no address (linux-kernel,
  // September 2023); below it, Hermes, its submission server, under an internal name
  const sonic =
    'Received: from sonic.gate.mail.ne1.yahoo.com by sonic310.consmr.mail.gq1.yahoo.com with ' +
    'HTTP; Thu, 28 Sep 2023 13:07:17 +0000\n';
  const hermes =
    'Received: by hermes--production-ne1-5b56858476-qngzq (Yahoo Inc. Hermes SMTP Server) with ' +
    'ESMTPA ID cca63ec0d72172f78c3d0254e0e587dc;\n Thu, 28 Sep 2023 13:07:14 +0000 (UTC)\n';

  test('joins Hermes’s internal name and reads as an in-network HTTP submission', () => {
    const route = analyzeMessage(sonic + hermes);
    expect(route.warnings).toEqual([]);
    const hop = route.hops[1];
    expect(hop?.internalStep).toEqual({ kind: 'provider-http', host: 'yahoo.com' });
    expect(hop && clientCheckLabel(hop)).toBe(
      'yahoo.com’s own gateway, by HTTP: no client address to check',
    );
    expect(hop && internalStepNote(hop)?.sentence).toMatch(/^An in-network HTTP submission: /);
    expect(route.verifiedClients).toEqual({ verified: [], networkHops: 1 });
  });

  test('sent from Yahoo Mail on the web, it is the first hop and still no unchecked client', () => {
    const above =
      'Received: from sonic301-2.consmr.mail.bf2.yahoo.com (sonic301-2.consmr.mail.bf2.yahoo.com ' +
      '[192.0.2.39]) by mx.example.com (Postfix) with ESMTPS id 4Z; Thu, 28 Sep 2023 13:07:19 +0000\n';
    const route = analyzeMessage(above + sonic);
    expect(route.warnings).toEqual([]);
    expect(route.hops[0]?.internalStep?.kind).toBe('provider-http');
    expect(verifiedClientsText(route)).toBeNull();
  });

  test('an HTTP stamp from another organisation, or with an address, is no in-network step', () => {
    const stranger =
      'Received: from sonic.gate.mail.ne1.yahoo.com by mx.example.org with HTTP; ' +
      'Thu, 28 Sep 2023 13:07:17 +0000\n';
    expect(analyzeMessage(stranger).hops[0]?.internalStep).toBeNull();
    expect(codes(stranger + hermes)).toEqual([['chain-broken', 1]]);
    const addressed =
      'Received: from sonic.gate.mail.ne1.yahoo.com ([192.0.2.8]) by ' +
      'sonic310.consmr.mail.gq1.yahoo.com with HTTP; Thu, 28 Sep 2023 13:07:17 +0000\n';
    expect(analyzeMessage(addressed).hops[0]?.internalStep).toBeNull();
  });

  test('below it, a public server of another domain still breaks the chain', () => {
    const publicBelow =
      'Received: from a.example.net (a.example.net [192.0.2.1]) by relay.example.net ' +
      '(Postfix) with ESMTP id 1; Thu, 28 Sep 2023 13:07:14 +0000\n';
    expect(codes(sonic + publicBelow)).toEqual([['chain-broken', 1]]);
  });
});

describe('Gmail’s own first stamp, on mail written in Gmail', () => {
  // the sender's side of a message written in Gmail on the web (December 2026): Google's
  // outbound server stamps only itself, then Microsoft's MX takes it from that server
  const gmail =
    'Received: by mail-wm1-f54.google.com with SMTP id 5b1f17b1804b1-43621d27adeso12345675e9.2\n' +
    '        for <anna@contoso.com>; Mon, 07 Dec 2026 01:14:19 -0800 (PST)\n';
  const mx =
    'Received: from mail-wm1-f54.google.com (209.85.128.54) by\n' +
    ' BN2PEPF000044A8.mail.protection.outlook.com (10.167.243.102) with Microsoft\n' +
    ' SMTP Server id 15.20.8207.15; Mon, 7 Dec 2026 09:14:20 +0000\n';

  test('reads as where the message began, not as an unknown, unverified client', () => {
    const route = analyzeMessage(mx + gmail);
    expect(route.warnings).toEqual([]);
    const hop = route.hops[0];
    expect(hop?.internalStep).toEqual({ kind: 'provider-origin', host: 'google.com' });
    expect(hop && hopClient(hop)).toBe('written with google.com');
    expect(hop && clientCheckLabel(hop)).toBe(
      'none: the message began here, written with google.com (web mail, app or API)',
    );
    expect(hop && internalStepNote(hop)?.badge).toBe('where it began');
    // one hand-over left, Google to Microsoft, whose client is an address only
    expect(route.verifiedClients).toEqual({ verified: [], networkHops: 1 });
  });

  test('a by-only stamp of anyone else, higher in the chain, or with a client, stays as it was', () => {
    const other = gmail.replace('mail-wm1-f54.google.com with', 'mx.example.org with');
    expect(analyzeMessage(mx + other).hops[0]?.internalStep).toBeNull();
    // Gmail's delivery into the mailbox is a by-only stamp too, at the top: not where it began
    const top = analyzeMessage(gmail + mx + gmail);
    expect(top.hops.map((h) => h.internalStep?.kind ?? null)).toEqual([
      'provider-origin',
      null,
      null,
    ]);
    const named = gmail.replace('by mail-wm1', 'from [10.1.2.3] by mail-wm1');
    expect(analyzeMessage(named).hops[0]?.internalStep).toBeNull();
  });

  test('a copied Gmail stamp below someone else’s server keeps its unknown client', () => {
    // the bottom stamp is the sender's to write: a server whose address looks up to another
    // domain, saying HELO mail-wm1-f54.google.com, is not Google's
    const impostor =
      'Received: from mail-wm1-f54.google.com (attacker.example [203.0.113.5]) by mx.example.com ' +
      '(Postfix) with ESMTP id 4Z; Mon, 7 Dec 2026 09:14:20 +0000\n';
    const route = analyzeMessage(impostor + gmail);
    expect(route.hops[0]?.internalStep).toBeNull();
    expect(route.hops[0] && hopClient(route.hops[0])).toBe('unknown client');
    // Google's own server, as a Postfix MX records it, still joins
    const google = impostor.replace(
      'attacker.example [203.0.113.5]',
      'mail-wm1-f54.google.com [209.85.128.54]',
    );
    expect(analyzeMessage(google + gmail).hops[0]?.internalStep?.kind).toBe('provider-origin');
  });
});

describe('Gmail’s own last stamp, into the mailbox', () => {
  // the top of a message received by Gmail, as "Show original" gives it: Gmail's MX, then the
  // mailbox's server, which names itself by address only
  const mailbox =
    'Received: by 2002:a05:7208:3184:b0:7e:9a8d:3cd3 with SMTP id t4csp1432456rbd;\n' +
    '        Mon, 7 Dec 2026 01:14:21 -0800 (PST)\n';
  const mx =
    'Received: from mail.example.org (mail.example.org. [192.0.2.150])\n' +
    '        by mx.google.com with ESMTPS id d9443c01a7336-22368f9b0c1si1234567;\n' +
    '        Mon, 07 Dec 2026 01:14:20 -0800 (PST)\n';
  const sender =
    'Received: by mail.example.org (Postfix, from userid 1000)\n' +
    '\tid 4Z8M0b3kQxz1abc; Mon,  7 Dec 2026 09:14:19 +0000 (GMT)\n';

  test('reads as the step into the mailbox, not as an unknown, unverified client', () => {
    const route = analyzeMessage(mailbox + mx + sender);
    expect(route.warnings).toEqual([]);
    const hop = route.hops[2];
    expect(hop?.internalStep).toEqual({ kind: 'provider-mailbox', host: 'google.com' });
    expect(hop && hopClient(hop)).toBe('google.com’s MX');
    expect(hop && clientCheckLabel(hop)).toBe(
      'none: a step inside google.com, from its MX into the mailbox',
    );
    expect(hop && internalStepNote(hop)?.badge).toBe('into the mailbox');
    expect(hop && tlsLabel(hop)).toBe('not stated: a step inside google.com');
    expect(route.verifiedClients).toEqual({ verified: [1], networkHops: 1 });
  });

  test('above another MX, or named by another domain, it stays a hop with no client', () => {
    const otherMx = mx.replace('by mx.google.com', 'by mx.example.net');
    expect(analyzeMessage(mailbox + otherMx + sender).hops[2]?.internalStep).toBeNull();
    const named = mailbox.replace('by 2002:a05:7208:3184:b0:7e:9a8d:3cd3', 'by mx.example.net');
    expect(analyzeMessage(named + mx + sender).hops[2]?.internalStep).toBeNull();
  });
});

describe('amavis and other filters on the machine that received the hop below', () => {
  const corpus = (name: string) =>
    analyzeMessage(readFileSync(join(import.meta.dirname, 'corpus', `${name}.eml`)));

  test('amavis’s `by localhost` is the filter on mail.example.com, not a host called localhost', () => {
    const route = corpus('postfix-amavis');
    const [, mx, into, back] = route.hops;
    expect(mx?.internalStep).toBeNull();
    expect(into?.by).toBe('localhost');
    expect(into?.internalStep).toEqual({ kind: 'same-machine', host: 'mail.example.com' });
    expect(into && hopReceiver(into)).toBe('content filter on mail.example.com');
    expect(into && internalStepNote(into)?.sentence).toBe(
      'A content filter on mail.example.com (it stamps itself localhost): the message went to it ' +
        'over 127.0.0.1 within that machine, not over a network; not counted among the ' +
        'hand-overs between servers.',
    );
    expect(into && tlsLabel(into)).toBe('none: no network');
    // the hand-back: `from localhost (localhost [127.0.0.1]) by mail.example.com`
    expect(back?.internalStep).toEqual({ kind: 'same-machine', host: 'mail.example.com' });
    expect(back && hopReceiver(back)).toBe('mail.example.com');
    // before: "Client verified (reverse DNS and address) at 2 of 4 hops", the filter's
    // `localhost` for 127.0.0.1 counting as a checked client
    expect(route.verifiedClients).toEqual({ verified: [1], networkHops: 2 });
    expect(verifiedClientsText(route)).toBe(
      'Client verified (reverse DNS and address) at 1 of 2 hops.',
    );
    expect(hopCountText(route.hops)).toBe('4 hops (2 of them on one machine, not between servers)');
  });

  test('IBM’s gateway taking its filter’s hand-back `from localhost` is this machine', () => {
    const route = corpus('gateway-proofpoint');
    const handBack = route.hops[3];
    expect(handBack?.raw).toMatch(/^Received: from localhost\n/);
    expect(handBack?.internalStep).toEqual({ kind: 'same-machine', host: 'smtp02.uk.example.org' });
    // before: "unverified: name claimed by the sender only (HELO), no address recorded"
    expect(handBack && clientCheckLabel(handBack)).toBe(
      'this machine (named localhost, no address recorded)',
    );
  });

  test('the filter keeps the machine below through several passes (IMSVA, then amavis)', () => {
    const route = corpus('imsva-amavis');
    expect(route.hops.map((hop) => hop.internalStep?.host ?? null)).toEqual([
      null,
      null,
      null,
      'boulder03.example.org',
      'boulder03.example.org',
      null,
      'bastet.example.org',
      'bastet.example.org',
      null,
    ]);
    // IMSVA names itself by one label, no host's name: shown on the machine it runs on, as a
    // program's name is (outflank-mailman below)
    const imsva = route.hops[3];
    expect(imsva && hopReceiver(imsva)).toBe('IMSVA on boulder03.example.org');
    expect(imsva && internalStepNote(imsva)?.sentence).toMatch(
      /^On boulder03\.example\.org itself, over 127\.0\.0\.1: /,
    );
  });

  test('a loopback hop that does not join the one below, or comes first, is no such step', () => {
    const resent = analyzeMessage(
      'Received: from vm (unknown [127.0.0.1])\n\tby vm (Relaydesk) with ESMTP id 0mx9\n' +
        '\tfor <client@example.org>; Wed, 5 Mar 2025 10:02:00 +0000\n' +
        'Received: from mail.example.com (mail.example.com [203.0.113.45]) by mx.example.org ' +
        '(Postfix) with ESMTPS id 4Z; Wed, 5 Mar 2025 10:00:01 +0000\n',
    );
    expect(resent.warnings.map((w) => w.code)).toEqual(['local-resubmission']);
    expect(resent.hops[1]?.internalStep).toBeNull();
    // sent again years later: Relaydesk's own stamp on a saved .eml read as a step on the
    // machine below ("On mx.example.org itself") when the gap's warning stood in for the break
    const later = analyzeMessage(
      'Received: from vm (unknown [127.0.0.1])\n\tby vm (Relaydesk) with ESMTP id 0mx9\n' +
        '\tfor <client@example.org>; Mon, 7 Dec 2026 05:25:22 +0000\n' +
        'Received: from mail.example.com (mail.example.com [203.0.113.45]) by mx.example.org ' +
        '(Postfix) with ESMTPS id 4Z; Wed, 5 Mar 2025 10:00:01 +0000\n',
    );
    expect(later.warnings.map((w) => w.code)).toEqual(['delay-resent']);
    expect(later.hops[1]?.internalStep).toBeNull();
    const program = analyzeMessage(
      'Received: from localhost (localhost [127.0.0.1]) by mail.example.com (Postfix) with ESMTP ' +
        'id 1; Wed, 5 Mar 2025 10:00:01 +0000\n',
    );
    expect(program.hops[0]?.internalStep).toBeNull();
    expect(hopCountText(program.hops)).toBe('1 hop');
  });
});

describe('Mailchimp Transactional (Mandrill): its intake, then its own server', () => {
  const mandrill = readFileSync(join(import.meta.dirname, 'header-sets', 'mandrill.eml'));

  test('its sending engine handing over on 127.0.0.1 joins the intake, on the outbound server', () => {
    const route = analyzeMessage(mandrill);
    // was "Hop 2 was handed in by a program on mail137-31… itself (127.0.0.1), not passed on by
    // mandrillapp.com, which stamped Hop 1: a saved message sent again …"
    expect(route.warnings).toEqual([]);
    const engine = route.hops[1];
    expect(engine?.internalStep).toEqual({
      kind: 'same-machine',
      host: 'mail137-31.atl71.mandrillapp.com',
    });
    expect(engine && internalStepNote(engine)?.sentence).toMatch(
      /^On mail137-31\.atl71\.mandrillapp\.com itself, over 127\.0\.0\.1: a program there/,
    );
    // the customer's server, which called the API, is where the message began
    expect(route.hops[0]?.fromIp).toBe('198.51.100.47');
  });

  test('a loopback hand-over below a host name, or into another domain, is still a re-send', () => {
    const resent = (below: string, by: string) =>
      analyzeMessage(
        `Received: from pmta07.example.net (localhost [127.0.0.1]) by ${by} with ESMTP id 2; ` +
          'Fri, 19 Dec 2025 15:42:18 +0000\n' +
          `Received: from [198.51.100.47] by ${below} id 1; Fri, 19 Dec 2025 15:42:17 +0000\n`,
      ).warnings.map((w) => w.code);
    expect(resent('api.mandrillapp.com', 'mail137-31.atl71.mandrillapp.com')).toEqual([
      'local-resubmission',
    ]);
    expect(resent('mandrillapp.com', 'mail.other.example')).toEqual(['local-resubmission']);
  });
});

describe('A list server whose programs stamp by their own names (Xen’s Mailman)', () => {
  const xen = readFileSync(join(import.meta.dirname, 'header-sets', 'xen-mailman.eml'));

  test('Mailman’s steps and Exim’s taking it back are steps on the list server', () => {
    const route = analyzeMessage(xen);
    expect(route.warnings).toEqual([]);
    const onList = { kind: 'same-machine', host: 'lists.xenproject.org' };
    const [input, reinjected, output, fromList] = route.hops.slice(4, 8);
    for (const hop of [input, reinjected, output, fromList]) {
      expect(hop?.internalStep).toEqual(onList);
    }
    // they read "unknown client" and "outflank-mailman" as a server's name
    expect(input && hopReceiver(input)).toBe('outflank-mailman on lists.xenproject.org');
    expect(input && clientCheckLabel(input)).toBe(
      'none: a program on lists.xenproject.org stamped it; no client connected',
    );
    expect(output && clientCheckLabel(output)).toBe(
      'a program on lists.xenproject.org (it names itself mailman); no address recorded',
    );
    expect(fromList && hopReceiver(fromList)).toBe('lists.xenproject.org');
    expect(fromList && clientCheckLabel(fromList)).toBe(
      'a program on lists.xenproject.org (it names itself list); no address recorded',
    );
    expect(hopCountText(route.hops)).toBe('9 hops (5 of them on one machine, not between servers)');
  });

  test('a program’s name handing it to another machine, or a server named by one, still breaks', () => {
    const below =
      'Received: from mx.sender.example (mx.sender.example [192.0.2.10]) by ' +
      'lists.project.example with esmtp; Fri, 16 May 2025 10:25:02 +0000\n';
    // Exim's local submission, but on another host than the one below
    expect(
      codes(
        'Received: from dave by mail.other.example with local (Exim 4.96) id 2; ' +
          'Fri, 16 May 2025 10:25:03 +0000\n' +
          below,
      ),
    ).toEqual([['chain-broken', 1]]);
    // a server's own protocol named: a host under an internal name, not a program's step
    expect(
      codes(
        'Received: from list by lists.project.example with ESMTP id 2; ' +
          'Fri, 16 May 2025 10:25:03 +0000\n' +
          below,
      ),
    ).toEqual([['chain-broken', 1]]);
  });
});

describe('A Google Group sending on to its members', () => {
  // a Gmail user writes to a group at googlegroups.com and a member reads it in Gmail: the group's
  // own mailbox stamps itself by address between the group's MX and the group's sending server
  const memberMailbox =
    'Received: by 2002:a05:7010:8b09:b0:3e1:1a2:5c3f with SMTP id t9csp2214567mdb;\n' +
    '        Mon, 7 Dec 2026 10:15:09 -0800 (PST)\n';
  const groupSends =
    'Received: from mail-sor-f69.google.com (mail-sor-f69.google.com. [198.51.100.69])\n' +
    '        by mx.google.com with SMTPS id 6a1803df08f44-6d8e1b2a3c4sor1234567d6.12\n' +
    '        for <member@gmail.com>\n        (Google Transport Security);\n' +
    '        Mon, 07 Dec 2026 10:15:08 -0800 (PST)\n';
  const groupMailbox =
    'Received: by 2002:a05:6214:5e05:b0:6d8:aa3c:1f2e with SMTP id ' +
    '6a1803df08f44-6d8e6f0d1e2ls1234567d6.1.-pod-prod-02-us;\n' +
    ' Mon, 07 Dec 2026 10:15:07 -0800 (PST)\n';
  const groupMx =
    'Received: from mail-yw1-f173.google.com (mail-yw1-f173.google.com. [198.51.100.173])\n' +
    '        by gmr-mx.google.com with ESMTPS id 00721157ae682-6ef4f1a2b3csi123456787b3.1\n' +
    '        for <team@googlegroups.com>\n' +
    '        (version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256 bits=128/128);\n' +
    '        Mon, 07 Dec 2026 10:15:06 -0800 (PST)\n';
  const written =
    'Received: by mail-yw1-f173.google.com with SMTP id 00721157ae682-6ef4f1a2b3cso12345677b3.1\n' +
    '        for <team@googlegroups.com>; Mon, 07 Dec 2026 10:15:05 -0800 (PST)\n';

  test('the group’s mailbox is a step inside google.com, and its sending joins the chain', () => {
    const route = analyzeMessage(memberMailbox + groupSends + groupMailbox + groupMx + written);
    // read as "a hop may be missing" between the group's mailbox and the group's sending server
    expect(route.warnings).toEqual([]);
    expect(route.hops.map((h) => h.internalStep?.kind ?? null)).toEqual([
      'provider-origin',
      null,
      'provider-mailbox',
      null,
      'provider-mailbox',
    ]);
    const hop = route.hops[2];
    expect(hop && internalStepNote(hop, true)?.badge).toBe('sent on from a mailbox');
    expect(hop && internalStepNote(hop, true)?.sentence).toMatch(
      /^Into a mailbox that sends it on: /,
    );
    expect(route.verifiedClients).toEqual({ verified: [1, 3], networkHops: 2 });
    expect(route.totalSeconds).toBe(4);
  });

  test('a sending server tied on by its HELO name alone still breaks the chain', () => {
    // a forger's stamps below a real one: the client names Google but its receiver found no
    // name for its address, so nothing shows the stamps below were Google's
    const claimed = groupSends.replace(
      '(mail-sor-f69.google.com. [198.51.100.69])',
      '(unknown [203.0.113.9])',
    );
    const route = analyzeMessage(memberMailbox + claimed + groupMailbox + groupMx + written);
    expect(route.hops[2]?.internalStep).toBeNull();
    expect(route.warnings.map((w) => [w.code, w.hop])).toEqual([['chain-broken', 3]]);
    // another provider's server sending on from a stamp Google's mailbox would have written
    const stranger = groupSends.replace(
      '(mail-sor-f69.google.com. [198.51.100.69])',
      '(mail.example.org [192.0.2.150])',
    );
    const other = analyzeMessage(memberMailbox + stranger + groupMailbox + groupMx + written);
    expect(other.hops[2]?.internalStep).toBeNull();
    expect(other.warnings.map((w) => [w.code, w.hop])).toEqual([['chain-broken', 3]]);
  });
});

describe('iCloud’s mailbox gateway, on top', () => {
  // iCloud's MX hands the message to its mailbox gateway, which names the MX by name alone
  const gateway =
    'Received: from mx6.mail.icloud.com by p32-mailgateway-smtp-7d8f9c6b5-x2k4p (mailgateway ' +
    '2446B41)\n\twith SMTP id 5e3c0a1b-7f2d-4c4e-9a8b-1d2e3f4a5b6c \n' +
    '\tfor <reader@icloud.com>; Mon, 7 Dec 2026 18:15:06 GMT\n';
  const mx =
    'Received: from mail.example.org (mail.example.org [192.0.2.150])\n' +
    '\tby mx6.mail.icloud.com (Postfix) with ESMTPS id 7A1B2C3D4E5\n' +
    '\tfor <reader@icloud.com>; Mon,  7 Dec 2026 18:15:05 +0000 (UTC)\n';

  test('reads as the step into the mailbox, not as a name claimed by the sender', () => {
    const route = analyzeMessage(gateway + mx);
    expect(route.warnings).toEqual([]);
    const hop = route.hops[1];
    expect(hop?.internalStep).toEqual({ kind: 'provider-mailbox', host: 'icloud.com' });
    expect(hop && hopClient(hop)).toBe('icloud.com’s MX');
    expect(hop && clientCheckLabel(hop)).toBe(
      'icloud.com’s own MX, named by its mailbox server: a step inside icloud.com',
    );
    expect(hop && tlsLabel(hop)).toBe('not stated: a step inside icloud.com');
    expect(hop && internalStepNote(hop)?.sentence).toMatch(
      /names itself by a name only the provider’s own network knows/,
    );
    expect(route.verifiedClients).toEqual({ verified: [0], networkHops: 1 });
  });

  test('naming another client, or under a public name, it stays a claimed client', () => {
    const other = gateway.replace('from mx6.mail.icloud.com', 'from mx1.example.net');
    expect(analyzeMessage(other + mx).hops[1]?.internalStep).toBeNull();
    const public_ = gateway.replace('p32-mailgateway-smtp-7d8f9c6b5-x2k4p', 'mail.example.net');
    expect(analyzeMessage(public_ + mx).hops[1]?.internalStep).toBeNull();
  });
});

describe('Outlook’s MAPI submission, where it began', () => {
  // the first stamp of every message written in Outlook or Outlook on the web: Exchange writes
  // its own name and address on both sides
  const mapi =
    'Received: from EXCH02.corp.contoso.example ([fe80::8d2c:1a3b:9f0e:42b1]) by\n' +
    ' EXCH02.corp.contoso.example ([fe80::8d2c:1a3b:9f0e:42b1%12]) with mapi id\n' +
    ' 15.02.1544.004; Mon, 7 Dec 2026 18:15:03 +0000\n';
  const out =
    'Received: from EXCH02.corp.contoso.example (10.0.0.22) by EXCH01.corp.contoso.example\n' +
    ' (10.0.0.21) with Microsoft SMTP Server (version=TLS1_2,\n' +
    ' cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.4; Mon, 7 Dec 2026\n' +
    ' 18:15:04 +0000\n';

  test('reads as written in Outlook, not as a client address nobody checked', () => {
    const route = analyzeMessage(out + mapi);
    expect(route.warnings).toEqual([]);
    const hop = route.hops[0];
    expect(hop?.internalStep).toEqual({
      kind: 'mapi-submission',
      host: 'EXCH02.corp.contoso.example',
    });
    expect(hop && hopClient(hop)).toBe('written in Outlook');
    // was "address only: no name the receiver checked" beside the server's own fe80:: address
    expect(hop && clientCheckLabel(hop)).toMatch(/^none: Outlook handed it to its mailbox server/);
    expect(hop && tlsLabel(hop)).toBe('not stated: Outlook’s own connection to its server');
    expect(hop && internalStepNote(hop)?.badge).toBe('where it began');
    // EXCH02 handing it to EXCH01 on top is Exchange's step inside contoso.example
    expect(route.hops[1]?.internalStep).toEqual({ kind: 'provider-step', host: 'contoso.example' });
    expect(route.verifiedClients).toEqual({ verified: [], networkHops: 0 });
  });

  test('a MAPI stamp naming another machine, or SMTP between the two, is no such step', () => {
    const other = mapi.replace(
      ' EXCH02.corp.contoso.example ([fe80',
      ' EXCH09.corp.contoso.example ([fe80',
    );
    expect(analyzeMessage(other).hops[0]?.internalStep).toBeNull();
    const smtp = mapi.replace('with mapi', 'with ESMTP');
    expect(analyzeMessage(smtp).hops[0]?.internalStep).toBeNull();
  });
});

describe('SendGrid’s web API, where it began, taken out through Cloudflare Email Routing', () => {
  // a real chain (October 2025), the customer's names made up: SendGrid's API server, its
  // filter, then Cloudflare Email Routing taking it from SendGrid's address, which it records
  // with the HELO name only (no looked-up name), and forwarding it to Gmail
  const sendgridCloudflare = readFileSync(
    join(import.meta.dirname, 'header-sets', 'sendgrid-cloudflare.eml'),
  );

  test('the API stamp is where it began, the filter a step inside, Cloudflare’s hop joins', () => {
    const route = analyzeMessage(sendgridCloudflare);
    // was chain-broken at Cloudflare's hop ("a hop may be missing")
    expect(route.warnings).toEqual([]);
    const [api, filter, cloudflare] = route.hops;
    expect(api?.internalStep).toEqual({ kind: 'api-submission', host: 'sendgrid.net' });
    expect(api && hopClient(api)).toBe('sent through sendgrid.net’s API');
    // was "unverified: name claimed by the sender only (HELO), no address recorded"
    expect(api && clientCheckLabel(api)).toBe(
      'none: the message began here, handed to sendgrid.net through its web API (HTTP); the ' +
        'stamp names the sender’s account (20216706), not a server',
    );
    expect(api && tlsLabel(api)).toBe('not stated: the call to sendgrid.net’s API');
    expect(api && internalStepNote(api)?.badge).toBe('where it began');
    expect(filter?.internalStep).toEqual({ kind: 'provider-step', host: 'sendgrid.net' });
    expect(filter && clientCheckLabel(filter)).toBe(
      'none: a step inside sendgrid.net, whose server stamps only itself',
    );
    expect(filter && tlsLabel(filter)).toBe('not stated: a step inside sendgrid.net');
    expect(cloudflare?.broken).toBe(false);
    expect(cloudflare?.internalStep).toBeNull();
    // Cloudflare's hop (address only) and Gmail's MX (verified): the API and the filter are not
    // hand-overs whose client could be checked
    expect(route.verifiedClients).toEqual({ verified: [3], networkHops: 2 });
  });

  test('a SendGrid server named by the receiver’s lookup takes it out just as well', () => {
    const route = analyzeMessage(
      readFileSync(join(import.meta.dirname, 'header-sets', 'sendgrid.eml')),
    );
    expect(route.hops.map((hop) => hop.internalStep?.kind ?? null)).toEqual([
      'api-submission',
      'provider-step',
      null,
    ]);
  });
});

describe('Exchange’s steps inside one organisation', () => {
  const headerSet = (name: string) =>
    readFileSync(join(import.meta.dirname, 'header-sets', `${name}.eml`));
  const corpus = (name: string) => readFileSync(join(import.meta.dirname, 'corpus', `${name}.eml`));

  test('Microsoft 365’s protection, front end and mailbox servers are steps inside outlook.com', () => {
    const route = analyzeMessage(headerSet('m365'));
    expect(route.warnings).toEqual([]);
    expect(route.hops.map((hop) => hop.internalStep)).toEqual([
      null,
      // the hand-over into Microsoft 365 stays one: its client is the sender's server
      null,
      { kind: 'provider-step', host: 'outlook.com' },
      { kind: 'provider-step', host: 'outlook.com' },
      { kind: 'provider-step', host: 'outlook.com' },
    ]);
    const step = route.hops[2];
    expect(step && hopClient(step)).toBe('DU2PEPF00028D0B.eurprd03.prod.outlook.com');
    expect(step && clientCheckLabel(step)).toBe(
      'outlook.com’s own server, by its greeting and address: a step inside outlook.com',
    );
    expect(step && tlsLabel(step)).toBe('TLS 1.3, TLS_AES_256_GCM_SHA384');
    expect(step && internalStepNote(step)?.badge).toBe('in-network');
    // was "at 1 of 5 hops": Microsoft's own three steps counted as unverifiable hand-overs; then
    // "at 1 of 2", the one verified being the sender's app on its own server's loopback
    // (`[127.0.0.1]` at Hop 1), no hand-over between servers: one is left, and its Client fact
    // says what its receiver checked
    expect(route.verifiedClients).toEqual({ verified: [], networkHops: 1 });
    expect(verifiedClientsText(route)).toBeNull();
  });

  test('Microsoft 365’s delivery into the mailbox, stamped from ::1, is its step, not one machine', () => {
    // Gmail to Microsoft 365 as delivered in 2026: the top stamp's client is `(::1)`, written on
    // every inbound message since 2023, between two differently named mailbox servers
    const route = analyzeMessage(headerSet('gmail-m365'));
    expect(route.warnings).toEqual([]);
    expect(route.hops.map((hop) => hop.internalStep?.kind ?? null)).toEqual([
      'provider-origin',
      // the hand-over into Microsoft 365: its client is Gmail's server, by greeting and address
      null,
      'provider-step',
      'provider-step',
      'provider-step',
    ]);
    // was "5 hops (1 of them on one machine, not between servers)"
    expect(hopCountText(route.hops)).toBe('5 hops');
    const delivery = route.hops[4];
    expect(delivery && hopReceiver(delivery)).toBe('MW4PR12MB7238.namprd12.prod.outlook.com');
    // was "On DS7PR12MB5765.namprd12.prod.outlook.com itself, over ::1: a program there …"
    expect(delivery && internalStepNote(delivery)?.sentence).toMatch(
      /^A step inside outlook\.com: one of its Exchange servers handed the message to another/,
    );
    // was "by its greeting and address" and "IP ::1 (loopback)", as if one machine's
    expect(delivery && clientCheckLabel(delivery)).toBe(
      'outlook.com’s own server, by its greeting: a step inside outlook.com',
    );
    expect(delivery && ipScopeLabel(delivery)).toBe(
      '::1 (loopback, as Exchange writes it for this step; not a client’s address)',
    );
    // the steps below it record their own servers' real addresses
    const frontEnd = route.hops[3];
    expect(frontEnd && ipScopeLabel(frontEnd)).toMatch(/^[\d:a-f]+ \((public|private)\)$/);
    // was "at 0 of 3 hops": Microsoft's protection and front-end steps counted as hand-overs
    expect(route.verifiedClients).toEqual({ verified: [], networkHops: 1 });
  });

  test('sent from Microsoft 365, its steps below a receiver that looked up outlook.com count as its own', () => {
    const route = analyzeMessage(corpus('microsoft-365-outbound'));
    expect(route.hops[1]?.internalStep).toEqual({
      kind: 'provider-step',
      host: 'outlook.example',
    });
    expect(verifiedClientsText(route)).toBe(
      'Client verified (reverse DNS and address) at both hops.',
    );
  });

  test('Hotmail through Exchange Online Protection: "0 of 5" becomes two hand-overs, said why', () => {
    const route = analyzeMessage(corpus('hotmail-eop'));
    expect(route.hops.map((hop) => hop.internalStep?.kind ?? null)).toEqual([
      null,
      null,
      'provider-step',
      'provider-step',
      'provider-step',
    ]);
    expect(verifiedClientsText(route)).toBe(
      'Client verified (reverse DNS and address) at 0 of 2 hops; at Hops 1 and 2 the receiver ' +
        'recorded the address and no looked-up name, as Exchange and Microsoft 365 always do.',
    );
  });

  test('copied below another server, Microsoft’s stamps stay hand-overs the sender wrote', () => {
    const spam =
      'Received: from mail.spam.example (mail.spam.example [203.0.113.66]) by mx.victim.example ' +
      '(Postfix) with ESMTPS id 9; Tue, 4 Mar 2025 09:31:09 +0000\n';
    const copied =
      'Received: from DU2PR04CA0123.eurprd04.prod.outlook.com (2603:10a6:10:230::8)\n' +
      ' by AM6PR04MB5412.eurprd04.prod.outlook.com (2603:10a6:20b:4a::17) with\n' +
      ' Microsoft SMTP Server (version=TLS1_2,\n' +
      ' cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8489.25; Tue, 4 Mar\n' +
      ' 2025 09:31:05 +0000\n' +
      'Received: from DU2PEPF00028D0B.eurprd03.prod.outlook.com\n' +
      ' (2603:10a6:10:230:cafe::4f) by DU2PR04CA0123.outlook.office365.com\n' +
      ' (2603:10a6:10:230::8) with Microsoft SMTP Server (version=TLS1_3,\n' +
      ' cipher=TLS_AES_256_GCM_SHA384) id 15.20.8489.28 via Frontend Transport; Tue,\n' +
      ' 4 Mar 2025 09:31:05 +0000\n';
    const route = analyzeMessage(spam + copied);
    expect(route.hops.map((hop) => hop.internalStep)).toEqual([null, null, null]);
    expect(route.verifiedClients.networkHops).toBe(3);
    // the same stamps on top, where only the recipient's servers write, are Microsoft's steps
    // (the first as far as it joins one below: alone, it is where the chain begins)
    expect(analyzeMessage(copied).hops.map((hop) => hop.internalStep?.kind ?? null)).toEqual([
      null,
      'provider-step',
    ]);
  });
});

describe('Proton Mail delivering mail between its users', () => {
  const proton =
    'Received: from mail.protonmail.ch by mail.protonmail.ch; Fri, 14 Jun 2024 06:03:48 +0000\n';

  test('its one stamp is Proton’s own delivery, not a name claimed by the sender', () => {
    const route = analyzeMessage(
      readFileSync(join(import.meta.dirname, 'header-sets', 'proton-internal.eml')),
    );
    const [hop] = route.hops;
    expect(hop?.internalStep).toEqual({ kind: 'provider-step', host: 'protonmail.ch' });
    expect(hop && hopClient(hop)).toBe('inside protonmail.ch');
    // was "unverified: name claimed by the sender only (HELO), no address recorded"
    expect(hop && clientCheckLabel(hop)).toBe(
      'none: protonmail.ch’s server names itself on both sides; no client connected',
    );
    expect(hop && tlsLabel(hop)).toBe('not stated: a step inside protonmail.ch');
    expect(hop && internalStepNote(hop)?.sentence).toMatch(/as Proton Mail stamps mail between/);
  });

  test('a saved copy handed in again on this machine keeps it as Proton’s delivery', () => {
    const relaydesk =
      'Received: from vm (unknown [127.0.0.1]) by vm (Relaydesk) with ESMTP id 0mx9; ' +
      'Fri, 14 Jun 2024 09:00:00 +0000\n';
    const route = analyzeMessage(relaydesk + proton);
    expect(route.hops[0]?.internalStep).toEqual({ kind: 'provider-step', host: 'protonmail.ch' });
  });

  test('below another stamp, or naming another server, it is what the sender wrote', () => {
    const above =
      'Received: from mail.spam.example (mail.spam.example [203.0.113.66]) by mx.victim.example ' +
      '(Postfix) with ESMTPS id 9; Fri, 14 Jun 2024 06:03:50 +0000\n';
    expect(analyzeMessage(above + proton).hops[0]?.internalStep).toBeNull();
    const other = proton.replace('from mail.protonmail.ch', 'from mail.spam.example');
    expect(analyzeMessage(other).hops[0]?.internalStep).toBeNull();
    const smtp = proton.replace('mail.protonmail.ch;', 'mail.protonmail.ch with ESMTP;');
    expect(analyzeMessage(smtp).hops[0]?.internalStep).toBeNull();
  });
});

describe('a copy sent to Relaydesk again, with Relaydesk’s own stamp on top', () => {
  const relaydesk =
    'Received: from vm (unknown [127.0.0.1]) by vm (Relaydesk) with ESMTP id 0mx9; ' +
    'Mon, 7 Dec 2026 18:00:00 +0000\n';
  const headerSet = (name: string) =>
    readFileSync(join(import.meta.dirname, 'header-sets', `${name}.eml`), 'utf8');

  test('Gmail’s mailbox stamp under it is still the step into the mailbox', () => {
    // was "unknown client, unverified" once the re-send's stamp sat above it
    const route = analyzeMessage(relaydesk + headerSet('sendgrid-cloudflare'));
    expect(route.hops[4]?.internalStep).toEqual({ kind: 'provider-mailbox', host: 'google.com' });
    // and not a mailbox that sent it on: the hop above is this machine handing the copy in again
    expect(sentOnFromMailbox(route, 4)).toBe(false);
    expect(
      sentOnFromMailbox(
        analyzeMessage(readFileSync(join(import.meta.dirname, 'corpus', 'google-groups.eml'))),
        2,
      ),
    ).toBe(true);
  });

  test('the loopback re-send is no hand-over between servers, nor counted as one', () => {
    const route = analyzeMessage(relaydesk + headerSet('m365'));
    // was "at 1 of 3 hops." with no word of why (the re-send's loopback client read as
    // unchecked), then "at 1 of 3 hops; at Hop 2 … as Exchange …", the one verified being the
    // sender's own loopback: of the two loopback clients, neither is counted
    expect(route.verifiedClients).toEqual({ verified: [], networkHops: 1 });
    const sendgrid = analyzeMessage(relaydesk + headerSet('sendgrid-cloudflare'));
    expect(sendgrid.verifiedClients.networkHops).toBe(
      analyzeMessage(headerSet('sendgrid-cloudflare')).verifiedClients.networkHops,
    );
  });
});
