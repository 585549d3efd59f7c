import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import type { SmtpUserView } from '../api/contract';
import { useSectionList } from './use-section-list';
import { fieldProblems } from './field-problems';
import { InlineField } from './InlineField';
import { useFocusAfterRemoval } from './use-focus-after-removal';

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

  /*
   * Where the keyboard focus goes when the button that had it goes away: a removed user's row,
   * the password form's Set and Cancel. Without this it fell to the page's body, and the next
   * Tab started again at the top of the window.
   */
  const changeButtons = useRef(new Map<string, HTMLButtonElement>());
  const nameField = useRef<HTMLInputElement>(null);
  const newPasswordField = useRef<HTMLInputElement>(null);
  const removal = useFocusAfterRemoval(users, nameField);
  // the form opens under the whole list, away from the button that opened it: go to its box
  useEffect(() => {
    if (changing) newPasswordField.current?.focus();
  }, [changing]);

  const remove = (user: string) =>
    removal.removing(
      (users ?? []).map((u) => u.name),
      user,
      () => act(() => api.removeUser(user), `Removed ${user}.`),
    );

  /** Closes the password form, the focus back on the Change password that opened it. */
  const closeChange = () => {
    if (changing) changeButtons.current.get(changing)?.focus();
    setChanging(null);
  };

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
      closeChange();
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
              <button
                type="button"
                ref={(button) => keep(changeButtons.current, user.name, button)}
                onClick={() => setChanging(user.name)}
              >
                Change password<span className="visually-hidden"> of {user.name}</span>
              </button>
              <button
                type="button"
                className="danger"
                ref={removal.removeButton(user.name)}
                onClick={() => void remove(user.name)}
              >
                Remove<span className="visually-hidden"> {user.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {changing && (
        <form className="inline-form" onSubmit={(event) => void change(event)}>
          <InlineField
            id="user-new-password"
            label={<>New password for {changing}</>}
            inputRef={newPasswordField}
            type="password"
            autoComplete="new-password"
            value={newPassword}
            error={newPasswordError}
            onChange={setNewPassword}
          />
          <button type="submit">Set password</button>
          <button type="button" onClick={closeChange}>
            Cancel
          </button>
        </form>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => void add(event)}
        aria-label="Add an SMTP user"
      >
        <InlineField
          id="user-add-name"
          label="User name"
          inputRef={nameField}
          autoComplete="off"
          value={name}
          error={nameError}
          onChange={setName}
        />
        <InlineField
          id="user-add-password"
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          error={passwordError}
          onChange={setPassword}
        />
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

/** Keeps a row's button by its user's name while it is in the page. */
function keep(
  buttons: Map<string, HTMLButtonElement>,
  name: string,
  button: HTMLButtonElement | null,
): void {
  if (button) buttons.set(name, button);
  else buttons.delete(name);
}
