// Hops that are steps inside one provider's network rather than one server handing the message to
// another: they join the chain, read as what they are on the Route tab, and are not counted among
// the hand-overs whose client a receiver could check.
import { describe, expect, test } from 'vitest';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';
import {
  clientCheckLabel,
  internalStepNote,
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
