// What the settings API and the Settings screen see: the editable settings (every declared
// setting that does not say why not, plus the upstream and the routing rules), each as the
// settings file writes it, with its label, section, input and what it allows. Secrets never leave:
// the upstream password is only said to be set, and a secret setting only whether it has a value.
import type {
  EditableSettings,
  RoutingRuleView,
  SettingFieldView,
  SettingKey,
  SettingsView,
  UpstreamEndpointView,
  UpstreamView,
} from '../../../preload/api-contract.js';
import type { RoutingRule } from '../routing-rules/index.js';
import type { UpstreamEndpoint, UpstreamSettings } from '../upstream/upstream-settings.js';
import type { AnySettingDeclaration } from './setting-declaration.js';
import { settingFields, type Settings } from './settings-schema.js';

const RELAY_ALLOWED = 'an upstream {host, port, security, auth, …}, or null for none';
const RULES_ALLOWED = 'an ordered list of rules, each with "match" and "action"';

/** The declared settings the GUI and the settings API edit. */
export const editableFields: readonly AnySettingDeclaration[] = settingFields.filter(
  (field) => field.notEditable === undefined,
);

/** Every key the GUI edits: the declared ones, the upstream and the rules. */
export const editableKeys: SettingKey[] = [
  ...(editableFields.map((field) => field.key) as SettingKey[]),
  'relay',
  'rules',
];

/** What the running relay cannot take over: the listeners and what is built at start. */
export const restartFields: SettingKey[] = editableFields
  .filter((field) => field.applies === 'restart')
  .map((field) => field.key as SettingKey);

export function isEditable(key: string): key is SettingKey {
  return (editableKeys as string[]).includes(key);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function endpointView(endpoint: UpstreamEndpoint): UpstreamEndpointView {
  const { caPem: _pem, auth, ...rest } = endpoint as UpstreamEndpoint & { caPem?: string };
  if (!auth) return rest;
  return {
    ...rest,
    auth: {
      user: auth.user,
      mechanism: auth.mechanism,
      ...('password' in auth ? { passwordSet: true } : { accessTokenSet: true }),
    },
  };
}

/** The upstream without its secrets: a password or token is only said to be set. */
export function upstreamView(relay: UpstreamSettings | null): UpstreamView | null {
  if (!relay) return null;
  const { fallback, ...primary } = relay;
  return { ...endpointView(primary), ...(fallback ? { fallback: endpointView(fallback) } : {}) };
}

/** A rule as a settings file writes it (patterns as the user wrote them). */
export function ruleView(rule: RoutingRule): RoutingRuleView {
  const match: RoutingRuleView['match'] = {};
  if (rule.match.recipient) match.recipient = rule.match.recipient.source;
  if (rule.match.sender) match.sender = rule.match.sender.source;
  if (rule.match.user) match.user = rule.match.user.source;
  return {
    ...(rule.name !== undefined ? { name: rule.name } : {}),
    match,
    action: rule.action,
    // a form that did not send it back would save the rule without it
    ...(rule.filter !== undefined && Object.keys(rule.filter).length > 0
      ? { filter: { ...rule.filter } }
      : {}),
  };
}

/** A declared setting's value as the API shows it and the saved settings keep it. */
export function fieldValueView(field: AnySettingDeclaration, value: unknown): unknown {
  const view = field.view as ((v: unknown) => unknown) | undefined;
  return view ? view(value) : structuredClone(value);
}

export function editableValues(settings: Settings): EditableSettings {
  const values: Record<string, unknown> = {};
  for (const field of editableFields) {
    // a secret is never sent: the form shows "set" and a save without it keeps it
    values[field.key] = field.secret
      ? settings[field.key] !== null
      : fieldValueView(field, settings[field.key]);
  }
  values.relay = upstreamView(settings.relay);
  values.rules = settings.rules.map(ruleView);
  return values as unknown as EditableSettings;
}

function fieldViews(): SettingFieldView[] {
  const fields: SettingFieldView[] = editableFields.map((field) => ({
    key: field.key as SettingKey,
    label: field.label,
    section: field.section,
    input: field.input,
  }));
  fields.push(
    { key: 'relay', label: 'Upstream', section: 'upstream', input: { kind: 'custom' } },
    { key: 'rules', label: 'Routing rules', section: 'routing', input: { kind: 'custom' } },
  );
  return fields;
}

export function settingsView(
  target: Settings,
  running: Settings,
  pinned: Record<string, string>,
  savedIn: string,
): Omit<SettingsView, 'warnings' | 'restartable'> {
  const allowed: SettingsView['allowed'] = { relay: RELAY_ALLOWED, rules: RULES_ALLOWED };
  for (const field of editableFields) allowed[field.key as SettingKey] = field.allowed;
  return {
    values: editableValues(target),
    allowed,
    fields: fieldViews(),
    pinned: Object.fromEntries(
      Object.entries(pinned).filter(([key]) => isEditable(key)),
    ) as SettingsView['pinned'],
    restartFields,
    restartPending: restartFields.filter((key) => !same(target[key], running[key])),
    savedIn,
  };
}
