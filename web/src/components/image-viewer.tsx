/**
 * The image viewer: the server decodes (DICOM, PNG, JPEG) and sends values;
 * window/level and zoom happen here, on a canvas. Keyboard: arrow keys move
 * the window (left/right: width, up/down: level), + and − zoom, 0 resets;
 * the mouse drags the window as radiology viewers do.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useApiData } from '../lib/use-api.ts';
import { useT } from '../i18n/i18n.tsx';
import { ErrorMessage } from './common.tsx';
import { decodePixels, initialWindow, renderRgba, type ViewData, type Window as VoiWindow } from '../lib/image-view.ts';

export type ImageSource = { kind: 'upload'; id: string } | { kind: 'instance'; sopInstanceUid: string };

const zoomSteps = [0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8];

function viewPath(source: ImageSource): string {
  return source.kind === 'upload'
    ? `/api/imaging/uploads/${encodeURIComponent(source.id)}/view?size=1024`
    : `/api/studies/instances/${encodeURIComponent(source.sopInstanceUid)}/view?size=1024`;
}

export function ImageViewer({ source }: { source: ImageSource }) {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  const path = viewPath(source);
  const { data: view, error } = useApiData<ViewData>(path);
  // The clinician's window for this image; until they move it, the file's own.
  const [moved, setMoved] = useState<{ path: string; voi: VoiWindow } | null>(null);
  const voi = useMemo(() => (moved?.path === path ? moved.voi : view === null ? { center: 0, width: 1 } : initialWindow(view)), [moved, path, view]);
  const setWindow = (next: VoiWindow | ((current: VoiWindow) => VoiWindow)): void => setMoved({ path, voi: typeof next === 'function' ? next(voi) : next });
  const [zoomIndex, setZoomIndex] = useState(2);
  const drag = useRef<{ x: number; y: number; voi: VoiWindow } | null>(null);
  const bytes = useMemo(() => (view === null ? null : decodePixels(view.pixels)), [view]);

  useEffect(() => {
    const element = canvas.current;
    if (view === null || bytes === null || element === null) return;
    const context = element.getContext('2d');
    if (context === null) return;
    context.putImageData(new ImageData(renderRgba(view, bytes, voi), view.width, view.height), 0, 0);
  }, [view, bytes, voi]);

  if (error !== null) return <ErrorMessage error={error} />;
  if (view === null) return <p role="status">{t('viewer.loading')}</p>;

  const span = Math.max(1, view.range.max - view.range.min);
  const step = span / 100;
  const zoom = zoomSteps[zoomIndex] ?? 1;
  const reset = (): void => {
    setMoved(null);
    setZoomIndex(2);
  };

  const onKey = (event: KeyboardEvent): void => {
    const moves: Record<string, () => void> = {
      ArrowLeft: () => setWindow((current) => ({ ...current, width: Math.max(1, current.width - step) })),
      ArrowRight: () => setWindow((current) => ({ ...current, width: current.width + step })),
      ArrowDown: () => setWindow((current) => ({ ...current, center: current.center - step })),
      ArrowUp: () => setWindow((current) => ({ ...current, center: current.center + step })),
      '+': () => setZoomIndex((index) => Math.min(zoomSteps.length - 1, index + 1)),
      '=': () => setZoomIndex((index) => Math.min(zoomSteps.length - 1, index + 1)),
      '-': () => setZoomIndex((index) => Math.max(0, index - 1)),
      '0': reset,
    };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    move();
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>): void => {
    if (view.kind !== 'mono') return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, voi };
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>): void => {
    const start = drag.current;
    if (start === null) return;
    setWindow({ width: Math.max(1, start.voi.width + (event.clientX - start.x) * step), center: start.voi.center - (event.clientY - start.y) * step });
  };

  return (
    <figure className="image-viewer" data-testid="image-viewer">
      <div className="viewer-controls">
        {view.kind === 'mono' ? (
          <>
            <label>
              {t('viewer.level')}
              <input type="range" min={view.range.min - span / 2} max={view.range.max + span / 2} step={step} value={voi.center} onChange={(event) => setWindow({ ...voi, center: Number(event.target.value) })} data-testid="window-center" />
            </label>
            <label>
              {t('viewer.width')}
              <input type="range" min={1} max={span * 2} step={step} value={voi.width} onChange={(event) => setWindow({ ...voi, width: Number(event.target.value) })} data-testid="window-width" />
            </label>
          </>
        ) : null}
        <button type="button" className="secondary small" onClick={() => setZoomIndex((index) => Math.max(0, index - 1))} aria-label={t('viewer.zoomOut')}>−</button>
        <output aria-live="polite" data-testid="zoom">{Math.round(zoom * 100)} %</output>
        <button type="button" className="secondary small" onClick={() => setZoomIndex((index) => Math.min(zoomSteps.length - 1, index + 1))} aria-label={t('viewer.zoomIn')}>+</button>
        <button type="button" className="secondary small" onClick={reset}>{t('viewer.reset')}</button>
      </div>
      <div className="viewer-frame">
        <canvas
          ref={canvas}
          width={view.width}
          height={view.height}
          style={{ width: `${view.width * zoom}px`, height: `${view.height * zoom}px` }}
          tabIndex={0}
          role="img"
          aria-label={t('viewer.imageLabel', { modality: view.modality ?? t('viewer.image'), width: view.sourceWidth, height: view.sourceHeight })}
          onKeyDown={onKey}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={() => { drag.current = null; }}
          data-testid="image-canvas"
        />
      </div>
      <figcaption>
        {t('viewer.caption', { width: view.sourceWidth, height: view.sourceHeight })}
        {view.kind === 'mono' ? ` · ${t('viewer.windowNow', { center: Math.round(voi.center), width: Math.round(voi.width) })}` : ''}
        {view.frameCount > 1 ? ` · ${t('viewer.frames', { frame: view.frame + 1, count: view.frameCount })}` : ''}
        {' · '}{t('viewer.keys')}
      </figcaption>
    </figure>
  );
}
