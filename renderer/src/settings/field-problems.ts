/**
 * A refusal of a small form (a DKIM key: domain, selector, PEM, headers) split by the field each
 * line names: the API says every problem at once, one a line, each starting with its field
 * (`selector: "a b" is not a valid selector: …`), so each can go beside its own box. Lines that
 * name no field of the form are kept for the message under it.
 */
export interface FieldProblems<F extends string> {
  byField: Partial<Record<F, string[]>>;
  other: string[];
}

export function fieldProblems<F extends string>(
  text: string,
  fields: readonly F[],
): FieldProblems<F> {
  const byField: Partial<Record<F, string[]>> = {};
  const other: string[] = [];
  for (const line of text.split('\n')) {
    const field = fields.find((name) => line.startsWith(`${name}: `));
    if (field === undefined) other.push(line);
    else (byField[field] ??= []).push(line.slice(field.length + 2));
  }
  return { byField, other };
}
