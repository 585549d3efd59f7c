// Reads spamd's REPORT answer into Mailpit's SpamAssassin shape. The verdict and score come from
// the `Spam:` header; the rules from the report's table, whose descriptions wrap onto indented
// continuation lines:
//
//    pts rule name              description
//   ---- ---------------------- --------------------------------------------------
//    2.7 MISSING_DATE           Missing Date: header
//    1.8 DRUGS_ERECTILE         Refers to an erectile drug
import type { SpamCheckResult, SpamRule } from '../../../../preload/check-contract.js';
import type { SpamdReply } from './spamd-client.js';

export type { SpamCheckResult, SpamRule };

/** Mailpit shows scores cut to one decimal (math.Floor(n*10)/10); so do we. */
function oneDecimal(n: number): number {
  return Math.floor(n * 10 + 1e-9) / 10;
}

export function notAvailable(reason: string): SpamCheckResult {
  return { Error: reason, IsSpam: false, Score: 0, Threshold: 0, Rules: null };
}

const ruleLine = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Za-z0-9_]+)\s+(.*)$/;

export function readSpamReport(reply: SpamdReply): SpamCheckResult {
  // "True ; 5.1 / 5.0" (spamd says "Yes"/"No" in older protocol versions)
  const verdict = /^(\w+)\s*;\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)/.exec(reply.headers.spam ?? '');
  if (!verdict) {
    return notAvailable(
      `SpamAssassin answered without a verdict (Spam header ${JSON.stringify(reply.headers.spam ?? '')})`,
    );
  }
  const rules: SpamRule[] = [];
  const lines = reply.body.split(/\r?\n/);
  const table = lines.findIndex((line) => /^-{3,}\s+-{3,}/.test(line));
  if (table !== -1) {
    for (const line of lines.slice(table + 1)) {
      if (line.trim() === '') break;
      const match = ruleLine.exec(line);
      if (match) {
        rules.push({
          Name: match[2] as string,
          Score: oneDecimal(Number(match[1])),
          Description: (match[3] as string).trim(),
        });
      } else if (/^\s/.test(line) && rules.length > 0) {
        const last = rules[rules.length - 1] as SpamRule;
        last.Description = `${last.Description} ${line.trim()}`;
      }
    }
  }
  return {
    Error: '',
    IsSpam: /^(true|yes)$/i.test(verdict[1] as string),
    Score: oneDecimal(Number(verdict[2])),
    Threshold: Number(verdict[3]),
    Rules: rules,
  };
}
