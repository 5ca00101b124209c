/**
 * Imaging in Chromium: a physician uploads ../shared/data/dicom/RG1_J2KI.dcm
 * (a JPEG 2000 chest radiograph, MONOCHROME1); the server decodes it and the
 * canvas shows it — pixels vary across the image, the window changes them
 * from the keyboard, and zoom works. A study a modality sends (DCMTK's
 * storescu to the DICOM listener) is picked from the list and shown too.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createLogger } from '../../src/core/log.ts';
import { startDicomStorage } from '../../src/server/dicom-storage.ts';
import { screenshot, startWebHarness, type WebHarness } from './harness.ts';
import { assertAccessible, sharedDicom, signIn } from './flows.ts';

let web: WebHarness;
before(async () => {
  web = await startWebHarness();
});
after(async () => {
  await web.close();
});

interface CanvasStats { width: number; height: number; mean: number; spread: number; centre: number }

/** Mean and spread of the canvas's grey levels, and the grey at its centre. */
const canvasStats = `(() => {
  const canvas = document.querySelector('[data-testid="image-canvas"]');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0, squares = 0, count = 0;
  for (let i = 0; i < data.length; i += 4 * 7) { sum += data[i]; squares += data[i] * data[i]; count++; }
  const mean = sum / count;
  const centre = data[(Math.floor(canvas.height / 2) * canvas.width + Math.floor(canvas.width / 2)) * 4];
  return { width: canvas.width, height: canvas.height, mean, spread: Math.sqrt(squares / count - mean * mean), centre };
})()`;

test('an uploaded DICOM chest radiograph renders, with window/level and zoom', { timeout: 180_000 }, async () => {
  const { page, assertNoProblems } = await web.newPage();
  await signIn(page, web.users.physician);
  await page.getByRole('link', { name: 'Imaging' }).click();
  await page.getByTestId('image-file').setInputFiles(sharedDicom('RG1_J2KI.dcm'));
  await page.getByTestId('image-canvas').waitFor({ timeout: 120_000 });
  const first = await page.evaluate<CanvasStats>(canvasStats);
  assert.equal(Math.max(first.width, first.height), 1024, 'downscaled to 1024 on the long side');
  assert.ok(first.spread > 10, `an image, not a flat field (spread ${first.spread.toFixed(1)})`);

  await page.getByTestId('image-canvas').focus();
  for (let press = 0; press < 15; press += 1) await page.keyboard.press('ArrowUp');
  const moved = await page.evaluate<CanvasStats>(canvasStats);
  assert.notEqual(moved.mean.toFixed(2), first.mean.toFixed(2), 'moving the level changes the grey levels');
  await page.keyboard.press('+');
  assert.equal(await page.getByTestId('zoom').innerText(), '150 %');
  await assertAccessible(page, 'imaging');
  await screenshot(page, 'imaging-dicom');
  assertNoProblems();
});

test('a study sent by a modality is picked from the received list and renders', { timeout: 180_000 }, async () => {
  const listener = await startDicomStorage({ store: web.store, directory: web.imagingDirectory, port: 0, aeTitle: 'NS_WEB', logger: createLogger({ level: 'warn', write: () => undefined }) });
  try {
    await promisify(execFile)('storescu', ['-aet', 'CT_SCANNER', '-aec', 'NS_WEB', '127.0.0.1', String(listener.port), sharedDicom('CT_small.dcm')]);
  } finally {
    await listener.close();
  }
  const { page, assertNoProblems } = await web.newPage();
  await signIn(page, web.users.nurse);
  await page.getByRole('link', { name: 'Imaging' }).click();
  await page.getByText('Images received from modalities (1)').click();
  await page.getByRole('button', { name: /CT/ }).click();
  await page.getByTestId('image-canvas').waitFor({ timeout: 60_000 });
  const stats = await page.evaluate<CanvasStats>(canvasStats);
  assert.deepEqual([stats.width, stats.height], [128, 128], 'CT_small is 128 × 128, never upscaled');
  assert.ok(stats.spread > 10, `an image, not a flat field (spread ${stats.spread.toFixed(1)})`);
  // The patient's name comes from the study (DICOM Family^Given, shown Given Family).
  assert.equal(await page.getByLabel('Patient name').inputValue(), 'CT1 CompressedSamples');
  await screenshot(page, 'imaging-received-study');
  assertNoProblems();
});
