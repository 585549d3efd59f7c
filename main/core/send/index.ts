// Mailpit's Send API: a JSON request becomes a MIME message taken in as if received over SMTP.
export {
  parseSendRequest,
  SendRequestError,
  type SendAddress,
  type SendAttachment,
  type SendRequest,
} from './send-request.js';
export { composeMessage, type ComposedMessage } from './compose-message.js';
export { httpReceivedStamp } from './http-received-stamp.js';
