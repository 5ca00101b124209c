/**
 * Window/level for the viewer, in the browser: the server sends values after
 * the Modality LUT (`GET /api/imaging/uploads/:id/view`), and this maps them
 * to grey levels with DICOM's linear VOI function (PS3.3 C.11.2.1.2), so the
 * clinician can move the window without another request. Pure: tested in Node.
 */

export interface ViewData {
  width: number;
  height: number;
  frameCount: number;
  frame: number;
  kind: 'mono' | 'rgb';
  invert: boolean;
  window: { center: number; width: number } | null;
  range: { min: number; max: number };
  sourceWidth: number;
  sourceHeight: number;
  modality: string | null;
  pixels: string;
}

export interface Window {
  center: number;
  width: number;
}

/** The file's own window, else the full range of the values. */
export function initialWindow(view: Pick<ViewData, 'window' | 'range'>): Window {
  if (view.window !== null && view.window.width >= 1) return view.window;
  return { center: (view.range.min + view.range.max) / 2, width: Math.max(1, view.range.max - view.range.min) };
}

export function decodePixels(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** RGBA for a canvas: mono values through the window (inverted for MONOCHROME1), RGB as sent. */
export function renderRgba(view: Pick<ViewData, 'width' | 'height' | 'kind' | 'invert'>, bytes: Uint8Array, window: Window): Uint8ClampedArray<ArrayBuffer> {
  const count = view.width * view.height;
  const out = new Uint8ClampedArray(count * 4);
  if (view.kind === 'rgb') {
    out.set(bytes.subarray(0, count * 4));
    return out;
  }
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, Math.min(count, Math.floor(bytes.byteLength / 4)));
  const width = Math.max(1, window.width);
  const low = window.center - 0.5 - (width - 1) / 2;
  const high = window.center - 0.5 + (width - 1) / 2;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] ?? 0;
    let grey = value <= low ? 0 : value > high ? 255 : ((value - (window.center - 0.5)) / (width - 1) + 0.5) * 255;
    if (view.invert) grey = 255 - grey;
    const at = index * 4;
    out[at] = grey;
    out[at + 1] = grey;
    out[at + 2] = grey;
    out[at + 3] = 255;
  }
  return out;
}
