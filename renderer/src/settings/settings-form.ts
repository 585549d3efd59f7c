// The Settings form's state, as pure functions: the draft the user edits, the change a save
// sends (only what differs from what was loaded), and the server's field errors by field.
import type {
  EditableSettings,
  RoutingRuleView,
  SettingKey,
  SettingsChange,
  SettingsFieldError,
  SettingsFieldWarning,
  SettingsView,
  UpstreamView,
} from '../api/contract';

export interface SettingsDraft {
  values: EditableSettings;
  /** Typed into the password field; empty keeps the saved password. */
  relayPassword: string;
}

export function draftFrom(values: EditableSettings): SettingsDraft {
  return { values: structuredClone(values), relayPassword: '' };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What a save sends: the settings that differ from those loaded, the password when typed. */
export function changeFrom(draft: SettingsDraft, loaded: EditableSettings): SettingsChange {
  const change: SettingsChange = {};
  for (const key of Object.keys(draft.values) as SettingKey[]) {
    if (key === 'relay') continue;
    const value = key === 'rules' ? draft.values.rules.map(cleanRule) : draft.values[key];
    if (!same(value, loaded[key])) change[key] = value;
  }
  const relay = draft.values.relay;
  if (relay === null) {
    if (loaded.relay !== null) change.relay = null;
  } else if (draft.relayPassword !== '' || !same(relay, loaded.relay)) {
    change.relay = withPassword(relay, draft.relayPassword);
  }
  return change;
}

function withPassword(relay: UpstreamView, password: string): Record<string, unknown> {
  if (!relay.auth || relay.auth.user === '') {
    // said as null: a relay that leaves auth out keeps the saved login (settings-editor)
    const { auth: _auth, ...rest } = relay;
    return { ...rest, auth: null };
  }
  // the markers say what is saved; the server keeps the saved password when none is sent
  const { passwordSet: _p, accessTokenSet: _t, ...auth } = relay.auth;
  return { ...relay, auth: password === '' ? auth : { ...auth, password } };
}

/** Field errors by field path (`smtp.port`, `rules[2].action.to`). */
export type FieldErrors = Record<string, SettingsFieldError>;

export type FieldWarnings = Record<string, SettingsFieldWarning>;

/** Settings named as the screen labels their boxes (the key where a setting has no box). */
export function settingLabels(
  keys: readonly string[],
  view: Pick<SettingsView, 'fields'>,
): string[] {
  return keys.map((key) => view.fields.find((field) => field.key === key)?.label ?? key);
}

export function warningsByField(warnings: readonly SettingsFieldWarning[]): FieldWarnings {
  const byField: FieldWarnings = {};
  for (const warning of warnings) byField[warning.field] ??= warning;
  return byField;
}

export function errorsByField(errors: readonly SettingsFieldError[]): FieldErrors {
  const byField: FieldErrors = {};
  for (const error of errors) byField[error.field] ??= error;
  return byField;
}

/** A field's DOM id, from its path: `smtp.port` → `setting-smtp-port`. */
/**
 * A refused save's error as said beside its own box: the box is its context, so the settings
 * file's path that begins it (`relay.security: "none" is not allowed…`) goes. An error for a part
 * of the box's setting (`warmup[0].start: …` at the warm-up box) keeps it: it says which part.
 */
export function errorAtField(
  error: Pick<SettingsFieldError, 'field' | 'message'>,
  field: string,
): string {
  const path = `${field}: `;
  return error.field === field && error.message.startsWith(path)
    ? error.message.slice(path.length)
    : error.message;
}

/**
 * The field whose box shows an error: the error's own field, or for a part of a structure
 * written in one box (`warmup[0].start`, `senderRewrite[1].to` in their JSON boxes) the nearest
 * field above it that has a box; null when none has.
 */
export function boxField(field: string, hasBox: (field: string) => boolean): string | null {
  for (let at = field; at !== '';) {
    if (hasBox(at)) return at;
    at = at.slice(0, Math.max(0, at.lastIndexOf('['), at.lastIndexOf('.')));
  }
  return null;
}

/** A part's path in words: `[0].start` → `entry 1, start`. */
function partWords(part: string): string {
  return [...part.matchAll(/\[(\d+)\]|\.([A-Za-z]+)/g)]
    .map((m) => (m[1] !== undefined ? `entry ${Number(m[1]) + 1}` : (m[2] ?? '')))
    .join(', ');
}

/**
 * The same error in the list of a refused save, named by the label of its box (`Security:
 * "none" is not allowed…`) where the screen has one, not by the settings file's path. An error
 * for a part of a box's structure says which part after the label (`IP warm-up schedules
 * (JSON), entry 1, start: "soon" is not a date…`), as a quota's own boxes do (`Quota 1
 * addresses (CIDR): …`); `box` is the field whose label it is (boxField).
 */
export function errorInList(
  error: SettingsFieldError,
  label: string | undefined,
  box: string = error.field,
): string {
  if (label && box !== error.field && error.field.startsWith(box)) {
    const part = partWords(error.field.slice(box.length));
    if (error.message.startsWith(error.field)) {
      return `${label}, ${part}${error.message.slice(error.field.length)}`;
    }
    return `${label}, ${part}: ${error.message}`;
  }
  const at = errorAtField(error, error.field);
  return label && at !== error.message ? `${label}: ${at}` : error.message;
}

/**
 * How many problems a refused save has, and in how many settings: a quota list's three errors
 * are three problems in one setting (`quotas`), not three settings.
 */
export function refusedSaveCount(errors: readonly SettingsFieldError[]): string {
  const settings = new Set(errors.map((error) => error.field.split(/[.[]/)[0])).size;
  const of = (n: number, noun: string) => (n === 1 ? `one ${noun}` : `${n} ${noun}s`);
  if (settings === errors.length)
    return `${of(settings, 'setting')} need${settings === 1 ? 's' : ''}`;
  return `${of(errors.length, 'problem')} in ${of(settings, 'setting')} need`;
}

export function fieldId(field: string): string {
  return `setting-${field.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
}

// --- routing rules -------------------------------------------------------------------------

export function emptyRule(): RoutingRuleView {
  return { match: { recipient: '' }, action: { type: 'capture', mailbox: 'inbox' } };
}

/** Moves the rule at `from` by `by` places (rules are ordered: the first match decides). */
export function moveRule(rules: RoutingRuleView[], from: number, by: -1 | 1): RoutingRuleView[] {
  const to = from + by;
  if (to < 0 || to >= rules.length) return rules;
  const next = [...rules];
  const [rule] = next.splice(from, 1);
  if (rule) next.splice(to, 0, rule);
  return next;
}

/** Empty patterns mean "any": they are left out, as a settings file would write the rule. */
export function cleanRule(rule: RoutingRuleView): RoutingRuleView {
  const match: RoutingRuleView['match'] = {};
  for (const key of ['recipient', 'sender', 'user'] as const) {
    const pattern = rule.match[key]?.trim();
    if (pattern) match[key] = pattern;
  }
  const filter = Object.fromEntries(
    Object.entries(rule.filter ?? {}).filter(([, choice]) => choice !== undefined),
  );
  return {
    ...(rule.name?.trim() ? { name: rule.name.trim() } : {}),
    match,
    action: rule.action,
    ...(Object.keys(filter).length > 0 ? { filter } : {}),
  };
}

/** Comma- or line-separated text (the allowlist) as a list. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}
