// One table test over test/route-analysis/corpus: each <name>.eml is a real-format chain (documentation
// addresses and example domains only) and <name>.json holds the hops a reader should see.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyzeMessage, type Hop } from '../../main/core/route-analysis/index.js';
import { hopContractKeys } from './hop-keys.js';

const corpus = join(import.meta.dirname, 'corpus');

interface Expected {
  description: string;
  hops: Partial<Hop>[];
  totalSeconds: number | null;
  slowestHop: number | null;
  warnings: string[];
  positiveSeconds?: number;
  authentication?: Record<string, unknown>[];
  origin?: Record<string, unknown>;
  slowestTies?: number[];
  verifiedClients?: { verified: number[]; networkHops: number };
  dateToFirstHop?: Record<string, unknown> | null;
}

const contractKeys = [...hopContractKeys, 'parsed'] as const;

const cases = readdirSync(corpus)
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.slice(0, -'.json'.length));

describe('Received corpus', () => {
  test('has a chain for every MTA family the issue names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  test.each(cases)('%s', (name) => {
    const expected = JSON.parse(readFileSync(join(corpus, `${name}.json`), 'utf8')) as Expected;
    const source = readFileSync(join(corpus, `${name}.eml`));
    const analysis = analyzeMessage(source);

    expect(analysis.hops.map((hop) => hop.index)).toEqual(expected.hops.map((_, i) => i));
    expected.hops.forEach((want, index) => {
      for (const key of contractKeys)
        expect(want, `${name}.json hop ${index} lists ${key}`).toHaveProperty(key);
      const got = analysis.hops[index] as Hop;
      const picked = Object.fromEntries(
        Object.keys(want).map((key) => [key, got[key as keyof Hop]]),
      );
      expect(picked, `hop ${index}`).toEqual(want);
      expect(source.toString('utf8')).toContain(got.raw);
      expect(got.raw).toMatch(/^received[ \t]*:/i);
    });
    expect(analysis.totalSeconds).toBe(expected.totalSeconds);
    expect(analysis.slowestHop).toBe(expected.slowestHop);
    if (expected.positiveSeconds !== undefined) {
      expect(analysis.positiveSeconds).toBe(expected.positiveSeconds);
    }
    expect(analysis.warnings.map((w) => w.code).sort()).toEqual([...expected.warnings].sort());
    if (expected.authentication) {
      expect(analysis.authentication).toHaveLength(expected.authentication.length);
      expect(analysis.authentication).toMatchObject(expected.authentication);
    }
    if (expected.origin) expect(analysis.origin).toMatchObject(expected.origin);
    if (expected.slowestTies) expect(analysis.slowestTies).toEqual(expected.slowestTies);
    if (expected.verifiedClients) {
      expect(analysis.verifiedClients).toEqual(expected.verifiedClients);
    }
    if (expected.dateToFirstHop !== undefined) {
      expect(analysis.dateToFirstHop).toEqual(expected.dateToFirstHop);
    }

    // the same text as a string gives the same answer as the bytes
    expect(analyzeMessage(source.toString('utf8'))).toEqual(analysis);
  });
});
