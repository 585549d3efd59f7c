import { useCallback, useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import type { SmtpUserView } from '../api/contract';
import { useSectionList } from './use-section-list';
import { fieldProblems } from './field-problems';

/** The boxes of the Add form, by the field name the API's refusal starts each line with. */
const addFormFields = ['name', 'password'] as const;

/** SMTP users (AUTH): add, change a password, remove. They apply at once; no save needed. */
export function UsersSection() {
  const api = useApi();
  const readUsers = useCallback(() => api.listUsers(), [api]);
  const { items: users, message, act } = useSectionList<SmtpUserView>(readUsers);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [changing, setChanging] = useState<string | null>(null);
  const [newPassword, setNewPassword] = useState('');
  // each refusal of the Add form beside the box it is about, both at once (a bad name and a short
  // password are two fixes), as the other forms of Settings show theirs; the rest under the form
  // (a new password refused goes beside its box the same way)
  const refusal =
    message?.error && message.action === 'add'
      ? fieldProblems(message.text, addFormFields)
      : message?.error && message.action === 'change' && changing
        ? fieldProblems<(typeof addFormFields)[number]>(message.text, ['password'])
        : null;
  const adding = message?.action === 'add';
  const nameError = (adding && refusal?.byField.name?.join('\n')) || null;
  const passwordError = (adding && refusal?.byField.password?.join('\n')) || null;
  const newPasswordError = (!adding && refusal?.byField.password?.join('\n')) || null;
  const otherProblems = refusal ? refusal.other.join('\n') : (message?.text ?? '');

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (await act(() => api.addUser(name.trim(), password), `Added ${name.trim()}.`, 'add')) {
      setName('');
      setPassword('');
    }
  };

  const change = async (event: FormEvent) => {
    event.preventDefault();
    if (!changing) return;
    if (
      await act(
        () => api.changeUserPassword(changing, newPassword),
        `Changed ${changing}'s password.`,
        'change',
      )
    ) {
      setChanging(null);
      setNewPassword('');
    }
  };

  return (
    <div className="users">
      <h4 id="smtp-users-heading">SMTP users</h4>
      <p className="field-hint">
        Clients that log in (SMTP AUTH) with one of these may send and relay from anywhere the
        listener reaches. Changes apply at once.
      </p>
      {users && users.length === 0 && <p className="field-hint">No SMTP users yet.</p>}
      {users && users.length > 0 && (
        <ul className="user-list" aria-labelledby="smtp-users-heading">
          {users.map((user) => (
            <li key={user.name}>
              <span className="user-name">{user.name}</span>
              <span className="field-hint">
                changed {new Date(user.updatedAt).toLocaleString()}
              </span>
              <button type="button" onClick={() => setChanging(user.name)}>
                Change password<span className="visually-hidden"> of {user.name}</span>
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => void act(() => api.removeUser(user.name), `Removed ${user.name}.`)}
              >
                Remove<span className="visually-hidden"> {user.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {changing && (
        <form className="inline-form" onSubmit={(event) => void change(event)}>
          <div className="field">
            <label htmlFor="user-new-password">New password for {changing}</label>
            <input
              id="user-new-password"
              type="password"
              autoComplete="new-password"
              value={newPassword}
              aria-invalid={newPasswordError ? true : undefined}
              aria-describedby={newPasswordError ? 'user-new-password-error' : undefined}
              onChange={(event) => setNewPassword(event.target.value)}
            />
            {newPasswordError && (
              <span className="field-error" id="user-new-password-error" role="alert">
                {newPasswordError}
              </span>
            )}
          </div>
          <button type="submit">Set password</button>
          <button type="button" onClick={() => setChanging(null)}>
            Cancel
          </button>
        </form>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => void add(event)}
        aria-label="Add an SMTP user"
      >
        <div className="field">
          <label htmlFor="user-add-name">User name</label>
          <input
            id="user-add-name"
            autoComplete="off"
            value={name}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? 'user-add-name-error' : undefined}
            onChange={(event) => setName(event.target.value)}
          />
          {nameError && (
            <span className="field-error" id="user-add-name-error" role="alert">
              {nameError}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="user-add-password">Password</label>
          <input
            id="user-add-password"
            type="password"
            autoComplete="new-password"
            value={password}
            aria-invalid={passwordError ? true : undefined}
            aria-describedby={passwordError ? 'user-add-password-error' : undefined}
            onChange={(event) => setPassword(event.target.value)}
          />
          {passwordError && (
            <span className="field-error" id="user-add-password-error" role="alert">
              {passwordError}
            </span>
          )}
        </div>
        <button type="submit">Add user</button>
      </form>
      {message && otherProblems !== '' && (
        <p
          className={message.error ? 'field-error' : 'field-ok'}
          role={message.error ? 'alert' : 'status'}
        >
          {otherProblems}
        </p>
      )}
    </div>
  );
}
