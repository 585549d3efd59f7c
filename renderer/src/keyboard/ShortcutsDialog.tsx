import { Dialog } from '../layout/Dialog';
import { otherKeys, shortcuts } from './shortcuts';

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  const rows = [...shortcuts.map(({ keys, does }) => ({ keys, does })), ...otherKeys];
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
      <table className="shortcuts">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.does}>
              <td>
                {row.keys.map((key, index) => (
                  <span key={key}>
                    {index > 0 && ' '}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </td>
              <td>{row.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
