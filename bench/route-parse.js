// Route analysis speed: mean time to analyse a 50-hop header block, against a naive baseline
// measured in the same run (splitting the block into Received fields with one regex).
// Build first: npx tsc -p tsconfig.node.json   (writes out/)
// Run:         node bench/route-parse.js [iterations]
import { analyzeMessage } from '../out/main/core/route-analysis/index.js';

const iterations = Number(process.argv[2] ?? 2000);

// Shapes from test/route-analysis/corpus, cycled to 50 hops with distinct ids and times.
const shapes = [
  (i, t) =>
    `Received: from mx${i}.example.net (mx${i}.example.net [198.51.100.${i}])\r\n` +
    `\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n` +
    `\tby mx${i + 1}.example.net (Postfix) with ESMTPS id 4Z8Kx${i}QmTz9sVb\r\n` +
    `\tfor <bob@example.com>; ${t} +0000 (UTC)\r\n`,
  (i, t) =>
    `Received: from mx${i}.example.net ([203.0.113.${i}]:41234 helo=mx${i}.example.net)\r\n` +
    `\tby mx${i + 1}.example.net with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384\r\n` +
    `\t(Exim 4.96)\r\n\t(envelope-from <a@example.net>)\r\n\tid 1tq8Zb-000${i}-2x\r\n` +
    `\tfor carol@example.com;\r\n\t${t} +0000\r\n`,
  (i, t) =>
    `Received: from mx${i}.example.net (2001:db8:5:1a2::${i}) by\r\n` +
    ` mx${i + 1}.example.net (2001:db8:5:1a2::${i + 1}) with Microsoft SMTP Server\r\n` +
    ` (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n` +
    ` 15.20.8489.${i}; ${t} +0000\r\n`,
  (i, t) =>
    `Received: from unknown (HELO mx${i}.example.net) (192.0.2.${i})\r\n` +
    `  by mx${i + 1}.example.net with SMTP; ${t.replace(/^\w+, /, '')} -0000\r\n`,
  (i, t) =>
    `Received: by mx${i + 1}.example.net with SMTP id filterdrecv-${i}-1-67C9C9E2-1A\r\n` +
    `        2025-03-06 ${t.slice(-8)}.345012345 +0000 UTC m=+1234.567890123\r\n`,
];

function block(hops) {
  const fields = [];
  for (let i = 0; i < hops; i++) {
    const seconds = 10 * 3600 + i * 7;
    const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
    const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
    const ss = String(seconds % 60).padStart(2, '0');
    fields.unshift(shapes[i % shapes.length](i + 1, `Thu, 6 Mar 2025 ${hh}:${mm}:${ss}`));
  }
  return (
    fields.join('') +
    'Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=a@example.net;\r\n' +
    ' dkim=pass header.d=example.net header.s=sel; dmarc=pass header.from=example.net\r\n' +
    'From: a@example.net\r\nTo: bob@example.com\r\nSubject: bench\r\n\r\nbody\r\n'
  );
}

const text = block(50);
const check = analyzeMessage(text);
if (check.hops.length !== 50 || check.hops.some((hop) => !hop.parsed || hop.timestamp === null)) {
  throw new Error('the bench block does not parse into 50 dated hops');
}

function baseline(input) {
  // what a hand-rolled parser starts with: split the header block, keep the Received fields
  const head = input.slice(0, input.indexOf('\r\n\r\n'));
  return head.split(/\r\n(?![ \t])/).filter((field) => /^received:/i.test(field));
}

function measure(fn) {
  for (let i = 0; i < Math.min(200, iterations); i++) fn(text); // warm-up
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += fn(text).length ?? 1;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (sink < 0) console.log(sink);
  return elapsed / iterations;
}

const base = measure(baseline);
const full = measure((input) => analyzeMessage(input).hops);

console.log(`route-parse: 50-hop header block (${text.length} chars), ${iterations} iterations`);
console.log(`  baseline (regex split of the header block): ${(base * 1000).toFixed(1)} µs/block`);
console.log(`  analyzeMessage:                             ${(full * 1000).toFixed(1)} µs/block`);
console.log(`  ratio analyzeMessage / baseline:            ${(full / base).toFixed(1)}x`);
console.log(`  per hop:                                    ${((full * 1000) / 50).toFixed(2)} µs`);
