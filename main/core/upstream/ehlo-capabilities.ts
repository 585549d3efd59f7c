// What the upstream's EHLO reply offers. nodemailer parses it too but keeps only what it needs;
// the AUTH choice, SMTPUTF8 and the "STARTTLS not offered" diagnosis need the keywords as listed.

export function capabilitiesOf(ehloReply: string | null): string[] {
  if (!ehloReply) return [];
  return ehloReply
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.replace(/^\d{3}[ -]/, '').trim())
    .filter((line) => line.length > 0);
}

export function authMechanismsOffered(capabilities: readonly string[]): string[] {
  const line = capabilities.find((cap) => /^AUTH[ =]/i.test(cap));
  return line
    ? line
        .slice(5)
        .trim()
        .toUpperCase()
        .split(/[\s=]+/)
        .filter(Boolean)
    : [];
}

export function offers(capabilities: readonly string[], keyword: string): boolean {
  return capabilities.some((cap) => cap.toUpperCase().split(/\s+/)[0] === keyword);
}
