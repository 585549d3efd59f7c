// The application menu: the platform's usual roles (edit, view, window) and Relaydesk's own
// actions. Built as data from the relay's state, so which items exist and what they are called
// is tested without Electron.
import type { MenuItemConstructorOptions } from 'electron';

export type MenuAction =
  | 'toggle-receiving'
  | 'toggle-relaying'
  | 'analyze-headers'
  | 'open-data-folder'
  | 'settings'
  | 'show-queue'
  | 'show-sessions';

export interface MenuState {
  receivingPaused: boolean;
  relayingPaused: boolean;
  upstreamConfigured: boolean;
}

export function applicationMenuTemplate(
  platform: NodeJS.Platform,
  state: MenuState,
  run: (action: MenuAction) => void,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const settingsItem: MenuItemConstructorOptions = {
    id: 'settings',
    label: mac ? 'Settings…' : 'Settings',
    accelerator: 'CmdOrCtrl+,',
    click: () => run('settings'),
  };
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      {
        id: 'analyze-headers',
        label: 'Analyze Headers…',
        accelerator: 'CmdOrCtrl+Shift+A',
        click: () => run('analyze-headers'),
      },
      {
        id: 'open-data-folder',
        label: 'Open Data Folder',
        click: () => run('open-data-folder'),
      },
      ...(mac ? [] : [{ type: 'separator' } as const, settingsItem]),
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const relay: MenuItemConstructorOptions = {
    label: 'Relay',
    submenu: [
      {
        id: 'toggle-receiving',
        label: 'Pause Receiving',
        type: 'checkbox',
        checked: state.receivingPaused,
        click: () => run('toggle-receiving'),
      },
      {
        id: 'toggle-relaying',
        label: 'Pause Relaying',
        type: 'checkbox',
        checked: state.relayingPaused,
        enabled: state.upstreamConfigured,
        click: () => run('toggle-relaying'),
      },
      { type: 'separator' },
      { id: 'show-queue', label: 'Show Queue', click: () => run('show-queue') },
      {
        id: 'show-sessions',
        label: 'Show SMTP Sessions',
        click: () => run('show-sessions'),
      },
    ],
  };
  return [
    ...(mac
      ? [
          {
            label: 'Relaydesk',
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              settingsItem,
              { type: 'separator' },
              { role: 'services' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    file,
    { role: 'editMenu' },
    relay,
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
}
