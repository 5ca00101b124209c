/**
 * Association negotiation (PS3.8 7.1, PS3.7 annex D): whether to accept an
 * A-ASSOCIATE-RQ at all, and then each proposed presentation context on its
 * own — Verification and the storage SOP classes in uids.ts with a syntax
 * from the offer; everything else refused with its reason, while the rest
 * of the association goes ahead.
 */
import type { AssociateRequest, ContextResult } from './pdu.ts';
import { applicationContextName, storageSopClasses, storageTransferSyntaxes, verificationSopClass, verificationTransferSyntaxes } from './uids.ts';

export interface AcceptedContext {
  abstractSyntax: string;
  transferSyntax: string;
}

/** A-ASSOCIATE-RJ fields (PS3.8 table 9-21) and why, for the log. */
export interface Rejection {
  result: 1 | 2;
  source: 1 | 2 | 3;
  reason: number;
  why: string;
}

export interface AeRules {
  /** The called AE title this listener answers to (compared without padding, case-sensitive as PS3.5 AE values are). */
  aeTitle: string;
  /** When given, only these calling AE titles may associate. */
  allowedCallingAeTitles?: readonly string[] | undefined;
}

export const rejections = {
  protocolVersion: { result: 1, source: 2, reason: 2, why: 'protocol version not supported' },
  applicationContext: { result: 1, source: 1, reason: 2, why: 'application context name not supported' },
  callingAe: { result: 1, source: 1, reason: 3, why: 'calling AE title not recognised' },
  calledAe: { result: 1, source: 1, reason: 7, why: 'called AE title not recognised' },
  /** Transient: the sender may retry once other associations end. */
  tooMany: { result: 2, source: 3, reason: 2, why: 'local limit exceeded (too many associations)' },
} as const satisfies Record<string, Rejection>;

/** Why the association as a whole is refused, or undefined when it may be negotiated. */
export function refusal(request: AssociateRequest, rules: AeRules): Rejection | undefined {
  // Bit 0 of the protocol version is version 1, the only one defined (PS3.8 9.3.2).
  if ((request.protocolVersion & 1) === 0) return rejections.protocolVersion;
  if (request.applicationContext !== applicationContextName) return rejections.applicationContext;
  if (request.calledAeTitle !== rules.aeTitle) return rejections.calledAe;
  if (rules.allowedCallingAeTitles !== undefined && !rules.allowedCallingAeTitles.includes(request.callingAeTitle)) return rejections.callingAe;
  return undefined;
}

/**
 * One answer per proposed context. Of the offered transfer syntaxes the
 * sender's first that the listener takes wins: the file is stored as sent,
 * so the sender's preference costs nothing.
 */
export function negotiateContexts(request: AssociateRequest): { results: ContextResult[]; accepted: Map<number, AcceptedContext> } {
  const results: ContextResult[] = [];
  const accepted = new Map<number, AcceptedContext>();
  for (const context of request.contexts) {
    const echoed = context.transferSyntaxes[0] ?? '';
    const isVerification = context.abstractSyntax === verificationSopClass;
    if (!isVerification && storageSopClasses[context.abstractSyntax] === undefined) {
      results.push({ id: context.id, result: 3, transferSyntax: echoed });
      continue;
    }
    const supported = isVerification ? verificationTransferSyntaxes : storageTransferSyntaxes;
    const chosen = context.transferSyntaxes.find((syntax) => supported.has(syntax));
    // Context ids are odd (PS3.8 9.3.2.2); a repeated id would make PDVs ambiguous, so only its first proposal counts.
    if (chosen === undefined || context.id % 2 === 0 || accepted.has(context.id)) {
      results.push({ id: context.id, result: chosen === undefined ? 4 : 2, transferSyntax: echoed });
      continue;
    }
    accepted.set(context.id, { abstractSyntax: context.abstractSyntax, transferSyntax: chosen });
    results.push({ id: context.id, result: 0, transferSyntax: chosen });
  }
  return { results, accepted };
}

/** An AE title as configuration may name one: 1 to 16 characters, no backslash or control characters, not all spaces (PS3.5 table 6.2-1). */
export function isValidAeTitle(title: string): boolean {
  return title.length >= 1 && title.length <= 16 && title.trim() === title && /^[\x20-\x5b\x5d-\x7e]+$/.test(title);
}
