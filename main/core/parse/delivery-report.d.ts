// The types of delivery-report.js (plain JavaScript, run by the parse worker).
import type { DeliveryReport } from '../../../preload/api-contract.js';

/** A message/delivery-status body read (RFC 3464 §2.2–2.3); null when it names no recipient. */
export declare function readDeliveryStatus(text: string): Omit<DeliveryReport, 'original'> | null;

/** The Subject and Message-ID of a returned message or header block. */
export declare function originalOf(content: Uint8Array): NonNullable<DeliveryReport['original']>;
