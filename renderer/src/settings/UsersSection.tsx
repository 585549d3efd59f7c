import { useCallback, useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import type { SmtpUserView } from '../api/contract';
import { useSectionList } from './use-section-list';

/** SMTP users (AUTH): add, change a password, remove. They apply at once; no save needed. */
export function UsersSection() {
  const api = useApi();
  const readUsers = useCallback(() => api.listUsers(), [api]);
  const { items: users, message, act } = useSectionList<SmtpUserView>(readUsers);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [changing, setChanging] = useState<string | null>(null);
  const [newPassword, setNewPassword] = useState('');

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (await act(() => api.addUser(name.trim(), password), `Added ${name.trim()}.`)) {
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
              onChange={(event) => setNewPassword(event.target.value)}
            />
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
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="user-add-password">Password</label>
          <input
            id="user-add-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        <button type="submit">Add user</button>
      </form>
      {message && (
        <p
          className={message.error ? 'field-error' : 'field-ok'}
          role={message.error ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
