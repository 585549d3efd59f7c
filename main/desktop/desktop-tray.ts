// The tray icon: drawn from trayView() whenever the relay's state or counts change.
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { MessageStatus } from '../../preload/api-contract.js';
import type { ServiceEvent } from '../core/relay-service.js';
import { relayIconPng } from './relay-icon.js';
import {
  countMail,
  trayView,
  type RelayState,
  type TrayAction,
  type TrayIconState,
  type TrayView,
} from './tray-state.js';

export interface TrayDeps {
  Tray: new (
    image: NativeImage,
  ) => Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'on' | 'destroy'>;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): Menu };
  nativeImage: {
    createFromBuffer(buffer: Buffer, options?: { scaleFactor?: number }): NativeImage;
  };
}

/** The part of RelayService the tray reads. */
export interface TraySource {
  readonly receivingPaused: boolean;
  readonly relayPause: { reason: string; byHand?: boolean } | null;
  readonly settings: { relay: unknown };
  readonly unread: number;
  relayedStatuses(): Iterable<MessageStatus>;
  on(name: 'event', listener: (event: ServiceEvent) => void): unknown;
  off(name: 'event', listener: (event: ServiceEvent) => void): unknown;
}

export function relayState(source: TraySource): RelayState {
  return {
    receivingPaused: source.receivingPaused,
    relayPause: source.relayPause,
    upstreamConfigured: source.settings.relay !== null,
    counts: countMail(source.unread, source.relayedStatuses()),
  };
}

export interface RelayTray {
  /** What the tray shows now. */
  readonly view: TrayView;
  refresh(): void;
  destroy(): void;
}

export function trayMenuTemplate(
  view: TrayView,
  act: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return view.menu.map((item): MenuItemConstructorOptions => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'info') return { label: item.label, enabled: false };
    return { id: item.id, label: item.label, enabled: item.enabled, click: () => act(item.id) };
  });
}

export function createRelayTray(
  deps: TrayDeps,
  source: TraySource,
  act: (action: TrayAction) => void,
): RelayTray {
  // 32 px drawn, shown at 16 pt: sharp on high-density screens
  const images = new Map<TrayIconState, NativeImage>();
  const image = (state: TrayIconState): NativeImage => {
    let made = images.get(state);
    if (!made) {
      made = deps.nativeImage.createFromBuffer(relayIconPng(32, state), { scaleFactor: 2 });
      images.set(state, made);
    }
    return made;
  };
  let view = trayView(relayState(source));
  const tray = new deps.Tray(image(view.icon));
  const draw = (): void => {
    view = trayView(relayState(source));
    tray.setImage(image(view.icon));
    tray.setToolTip(view.tooltip);
    tray.setContextMenu(deps.Menu.buildFromTemplate(trayMenuTemplate(view, act)));
  };
  draw();
  // A burst of arrivals redraws once: counting walks every message to relay.
  let pending: NodeJS.Timeout | null = null;
  const onEvent = (event: ServiceEvent): void => {
    if (event.Type === 'log' || event.Type === 'session' || pending) return;
    pending = setTimeout(() => {
      pending = null;
      draw();
    }, 250);
  };
  source.on('event', onEvent);
  tray.on('click', () => act('open'));
  return {
    get view() {
      return view;
    },
    refresh: draw,
    destroy() {
      source.off('event', onEvent);
      if (pending) clearTimeout(pending);
      tray.destroy();
    },
  };
}
