// The IPC adapter: one handler per method of the method table, each checking that the call comes
// from our own page and that its arguments fit the table, then calling RelayService. No logic.
import type { WebContents } from 'electron';
import {
  checkArguments,
  eventChannel,
  ipcChannel,
  logFollowingChannel,
  methodNames,
  type CheckedArgs,
  type MethodName,
  type MethodResult,
} from '../../preload/api-methods.js';
import type { RelaydeskEvent } from '../../preload/api-contract.js';
import type { RelayService, ServiceEvent } from '../core/relay-service.js';
import { HeldEvents, relaydeskEventBatch } from '../server/event-batch.js';
import { toDeliveryAnswer } from '../server/delivery-answer.js';
import { toMailpitEvent } from '../server/mailpit/mailpit-events.js';
import { toMailpitInfo } from '../server/mailpit/mailpit-info.js';
import { rawDownload } from '../server/mailpit/raw-download.js';
import {
  toListedPage,
  toMessagesPage,
  toOpenedDetail,
  toQueueView,
} from '../server/mailpit/mailpit-shapes.js';

export { ApiArgumentError as IpcArgumentError } from '../../preload/api-methods.js';

type ServiceCall<M extends MethodName> = (
  service: RelayService,
  ...args: CheckedArgs<M>
) => Promise<MethodResult<M>> | MethodResult<M>;

/**
 * What each method calls. The type demands an entry for every method of the table, so a new
 * method without its call does not compile. The arguments arrive checked, defaults filled in.
 */
export const serviceCalls: { [M in MethodName]: ServiceCall<M> } = {
  listMessages: (service, start, limit) =>
    toListedPage(service.listing(start, limit), service.tags()),
  searchMessages: (service, query, start, limit) =>
    toListedPage(service.listing(start, limit, query), service.tags()),
  getMessage: async (service, id) => toOpenedDetail(await service.openMessage(id)),
  getHeaders: (service, id) => service.headers(id),
  getRaw: async (service, id) => (await service.raw(id)).toString('utf8'),
  getSource: (service, id) => service.source(id),
  getRawFile: rawDownload,
  getPart: (service, id, partId) => service.partContent(id, partId),
  messageStructure: (service, id) => service.structure(id),
  messageStructurePart: (service, id, partId) => service.structurePart(id, partId),
  compareMessages: (service, id, other) => service.compare(id, other),
  proxyAsset: async (service, id, url) => {
    const asset = await service.proxyAsset(id, url);
    return { FileName: '', ContentType: asset.contentType, Data: new Uint8Array(asset.body) };
  },
  setRead: (service, ids, read) => service.setRead(ids, read),
  deleteMessages: async (service, ids) => {
    if (ids.length === 0) await service.deleteAll();
    else await service.deleteMessages(ids);
  },
  setReadMatching: (service, query, read) => service.setReadMatching(query, read),
  deleteMatching: (service, query) => service.deleteMatching(query),
  mailboxes: (service) => service.mailboxes(),
  info: (service) => toMailpitInfo(service.figures()),
  listeners: (service) => service.listenerView(),
  delivery: (service, id) => toDeliveryAnswer(service.delivery(id)),
  route: (service, id) => service.route(id),
  analyzeHeaders: (service, headers, encoding) => service.analyzeHeaders(headers, encoding),
  htmlCheck: (service, id) => service.htmlCheck(id),
  linkCheck: (service, id, follow) => service.linkCheck(id, { follow }),
  spamCheck: (service, id) => service.spamCheck(id),
  queue: (service, state) => toQueueView(service.queueState(state)),
  holdMessages: (service, ids) => service.holdMessages(ids),
  releaseMessages: (service, ids) => service.releaseMessages(ids),
  retryMessages: (service, ids) => service.retryMessages(ids),
  resendMessages: (service, ids, to) => service.resendMessages(ids, to ?? null),
  cancelMessages: (service, ids) => service.cancelMessages(ids),
  cancelHeld: (service, suspension) => service.cancelHeld(suspension),
  pauseUpstream: (service, reason) => service.pauseUpstream(reason),
  resumeUpstream: (service) => service.resumeUpstream(),
  pauseReceiving: (service) => service.pauseReceiving(),
  resumeReceiving: (service) => service.resumeReceiving(),
  testUpstream: (service, candidate) =>
    service.testRelay(candidate && Object.keys(candidate).length > 0 ? candidate : undefined),
  upstreamPresets: (service, sesRegion) => service.upstreamPresets(sesRegion),
  testRouting: (service, input) =>
    service.explainRoute({
      recipient: input.recipient,
      sender: input.sender ?? '',
      user: input.user ?? null,
    }),
  relayLog: (service, limit) => service.relayLogLines(limit),
  auditLog: (service, limit) => service.auditLogLines(limit),
  serviceLog: (service, limit) => service.serviceLogLines(limit),
  smtpSessions: (service, limit) => service.smtpSessions(limit),
  smtpSession: (service, id) => service.smtpSession(id),
  deleteSmtpSessions: (service) => service.deleteSmtpSessions(),
  deleteSmtpSession: (service, id) => service.deleteSmtpSessions(id),
  listUsers: (service) => service.listUsers(),
  addUser: (service, name, password) => service.addUser(name, password),
  changeUserPassword: (service, name, password) => service.changeUserPassword(name, password),
  removeUser: (service, name) => service.removeUser(name),
  messageDecisions: (service, id) => service.messageDecisions(id),
  quarantine: (service, start, limit, released) =>
    toMessagesPage(service.quarantine(start, limit, released)),
  releaseQuarantined: (service, id, confirmVirus) => service.releaseQuarantined(id, confirmVirus),
  filterStatus: (service) => service.filterStatus(),
  listSuspensions: (service) => service.suspensions(),
  senderAlerts: (service) => service.senderAlerts(),
  dismissSenderAlert: (service, id) => service.dismissSenderAlert(id),
  suspend: (service, kind, value, reason) =>
    service.suspend({ Kind: kind, Value: value, Reason: reason }),
  unsuspend: (service, id, release) => service.unsuspend(id, release),
  suspensionLift: (service, id) => service.suspensionLift(id),
  quotaUsage: (service) => service.quotaUsage(),
  warmupStatus: (service) => service.warmupStatus(),
  authLockouts: (service) => ({ lockouts: service.authLockouts() }),
  releaseAuthLockouts: (service, address, user) => ({
    released: service.releaseAuthLockouts(address, user),
  }),
  tags: (service) => service.tags(),
  setTags: (service, ids, tags) => service.setTags(ids, tags),
  renameTag: (service, tag, name) => service.renameTag(tag, name),
  deleteTag: (service, tag) => service.deleteTag(tag),
  chaos: (service) => service.chaosTriggers(),
  setChaos: (service, triggers) => service.setChaosTriggers(triggers),
  // the desktop app's own window: this machine, no Send API user
  sendMessage: (service, message) =>
    service.sendMessage(message, { ip: '127.0.0.1', user: null, trusted: true }),
  webhookLog: (service) => service.webhookLog(),
  authCheck: (service, id) => service.authCheck(id),
  dkimKeys: (service) => service.dkimKeys(),
  addDkimKey: (service, key) => service.addDkimKey(key),
  setDkimKeyActive: (service, domain, selector, active) =>
    service.setDkimKeyActive(domain, selector, active),
  removeDkimKey: (service, domain, selector) => service.removeDkimKey(domain, selector),
  checkDkimDns: (service, domain, selector) => service.checkDkimDns(domain, selector),
  checkAddresses: (service, list) => service.checkAddresses(list),
  getSettings: (service) => service.settingsView(),
  validateSettings: (service, change) => service.checkSettings(change),
  saveSettings: (service, change) => service.saveSettings(change),
  restart: (service) => service.restart(),
};

/** Checks the arguments against the table, then calls the service. */
export async function invokeMethod(
  service: RelayService,
  name: MethodName,
  args: readonly unknown[],
): Promise<unknown> {
  const checked = checkArguments(name, args);
  const call = serviceCalls[name] as (service: RelayService, ...args: unknown[]) => unknown;
  return call(service, ...(checked as unknown[]));
}

/** The part of Electron's ipcMain the handlers use (the stand-in in tests provides the same). */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (
      // sender: the calling window's webContents (what forwardEvents was given for it)
      event: { senderFrame?: { url: string } | null; sender?: object },
      ...args: unknown[]
    ) => unknown,
  ): void;
  removeHandler(channel: string): void;
}

/**
 * Registers one handler per method. `isOwnPage` says whether a sender frame is our renderer: a
 * handler refuses anything else (a navigated or injected frame), as GitHub Desktop's ipc-main does.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  service: RelayService,
  isOwnPage: (url: string) => boolean,
): () => void {
  for (const name of methodNames) {
    ipcMain.handle(ipcChannel(name), async (event, ...args: unknown[]) => {
      const url = event.senderFrame?.url ?? '';
      if (!isOwnPage(url)) throw new Error(`refused IPC ${name} from ${url || 'an unknown frame'}`);
      try {
        return await invokeMethod(service, name, args);
      } finally {
        // the events before this answer reach the window ahead of it (HeldEvents says why)
        heldEvents(service).flush();
      }
    });
  }
  return () => {
    for (const name of methodNames) ipcMain.removeHandler(ipcChannel(name));
  };
}

/** Each service's window batches, which its handlers flush before they answer. */
const heldByService = new WeakMap<RelayService, HeldEvents<RelaydeskEvent>>();

function heldEvents(service: RelayService): HeldEvents<RelaydeskEvent> {
  let held = heldByService.get(service);
  if (!held) {
    held = new HeldEvents<RelaydeskEvent>();
    heldByService.set(service, held);
  }
  return held;
}

/**
 * The windows (by webContents) whose page follows the log lines: its Logs view is open. Log
 * lines are two or three per message, and only that view shows them, so a window gets them only
 * while it asks, as the GUI's WebSocket does with logs=subscribe (events-socket.ts).
 */
const followingLogs = new WeakSet<object>();

/** Registers the handler of the window's log subscription (RelaydeskBridge.setLogFollowing). */
export function registerLogFollowing(
  ipcMain: IpcMainLike,
  isOwnPage: (url: string) => boolean,
): () => void {
  ipcMain.handle(logFollowingChannel, (event, follow: unknown) => {
    const url = event.senderFrame?.url ?? '';
    if (!isOwnPage(url))
      throw new Error(`refused IPC setLogFollowing from ${url || 'an unknown frame'}`);
    if (typeof follow !== 'boolean')
      throw new Error(
        `setLogFollowing: follow: ${JSON.stringify(follow) ?? String(follow)} is not valid: pass true (the Logs view opened) or false (it closed)`,
      );
    if (!event.sender) return;
    if (follow) followingLogs.add(event.sender);
    else followingLogs.delete(event.sender);
  });
  return () => ipcMain.removeHandler(logFollowingChannel);
}

/**
 * Sends the service's events to the window in the WebSocket's shape, as browsers get it, batched
 * as the GUI's WebSocket is (event-batch.ts): the events of each 25 ms as one message, an array
 * in order with the last `stats` of the spell. One send per event cost a message to the
 * renderer's process and a task on its page each, four per captured message.
 */
export function forwardEvents(
  service: RelayService,
  webContents: Pick<WebContents, 'send' | 'isDestroyed'>,
): () => void {
  const batch = relaydeskEventBatch((events) => {
    if (!webContents.isDestroyed()) webContents.send(eventChannel, events);
  });
  const unhold = heldEvents(service).add(batch);
  // a new window follows no log lines until its Logs view asks
  followingLogs.delete(webContents);
  const forward = (event: ServiceEvent): void => {
    // session events, as log lines, are for the Logs view only
    if ((event.Type === 'log' || event.Type === 'session') && !followingLogs.has(webContents))
      return;
    if (!webContents.isDestroyed()) batch.add(toMailpitEvent(event));
  };
  service.on('event', forward);
  return () => {
    service.off('event', forward);
    unhold();
    batch.close();
  };
}
