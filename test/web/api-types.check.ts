/**
 * Type-level check, run by `tsc --noEmit` (CI's type-check step), that the web
 * UI's own declarations of the API's shapes (web/src/lib/types.ts: the browser
 * build cannot import the server's modules) still describe what the server
 * sends. A field renamed on the server fails the type-check here instead of
 * showing "undefined" on a ward screen (it happened once: signature.at vs signedAt).
 */
import type { DraftSummary as ApiDraftSummary, StoredDraft as ApiDraft, User as ApiUser } from '../../src/records/repository.ts';
import type { TriageContent as ApiTriage } from '../../src/workflows/triage/index.ts';
import type { SoapNoteContent as ApiSoap } from '../../src/workflows/soap-note/index.ts';
import type { ImagingRead as ApiImagingRead } from '../../src/workflows/imaging-read/index.ts';
import type { SummaryItem as ApiSummaryItem } from '../../src/workflows/history-summary/index.ts';
import type { ImageView as ApiImageView } from '../../src/server/clinical/imaging-view.ts';
import type { DraftSummary, ImagingReadContent, SessionUser, SoapNoteContent, StoredDraft, SummaryItem, TriageContent } from '../../web/src/lib/types.ts';
import type { ViewData } from '../../web/src/lib/image-view.ts';

/** Compiles only when the server's type can be read as the UI's. */
type Readable<Server, Ui> = Server extends Ui ? true : false;
type Holds<T extends true> = T;

export type Checks = [
  Holds<Readable<ApiDraft, StoredDraft>>,
  Holds<Readable<ApiDraftSummary, DraftSummary>>,
  Holds<Readable<Omit<ApiUser, 'createdAt'>, SessionUser>>,
  Holds<Readable<ApiTriage, TriageContent>>,
  Holds<Readable<ApiSoap, SoapNoteContent>>,
  Holds<Readable<ApiImagingRead, ImagingReadContent>>,
  Holds<Readable<ApiSummaryItem, SummaryItem>>,
  Holds<Readable<ApiImageView, ViewData>>,
];
