/**
 * Every pixel-bearing file in ../shared/data/dicom, decoded here and by dcmtk,
 * compared sample by sample on stored values (dcm2pnm -M: no Modality LUT,
 * no windowing, +opn Bits Stored so the output is the stored value shifted by
 * the minimum of its range). JPEG 2000 is outside dcmtk, so those files go
 * through GDCM's gdcmconv --raw first. Nothing is skipped: a missing tool fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../../core/shared-data.ts';
import { decodeStoredFrames } from './decode.ts';

const dir = join(sharedDataDir(), 'dicom');

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function requireTool(tool: string, pkg: string): void {
  assert.ok(has(tool), `${tool} is not installed: run apt-get install ${pkg}`);
}

// dcmtk before 3.6.8 keeps the JPEG and JPEG-LS codecs in separate converters.
function converter(uid: string): string {
  if (uid.startsWith('1.2.840.10008.1.2.4.5') || uid.startsWith('1.2.840.10008.1.2.4.70')) return has('dcmj2pnm') ? 'dcmj2pnm' : 'dcm2pnm';
  if (uid.startsWith('1.2.840.10008.1.2.4.8')) return has('dcml2pnm') ? 'dcml2pnm' : 'dcm2pnm';
  return 'dcm2pnm';
}

/** Parses an ASCII PGM/PPM (P2/P3) as written by dcm2pnm +opn. */
function readAsciiPnm(path: string): Int32Array {
  const tokens = readFileSync(path, 'latin1').replace(/#[^\n]*/g, ' ').trim().split(/\s+/);
  assert.ok(tokens[0] === 'P2' || tokens[0] === 'P3', `${path} is not an ASCII PNM`);
  return Int32Array.from(tokens.slice(4), Number);
}

function storedRange(path: string): { bitsStored: number; signed: boolean; inverted: boolean } {
  const dump = execFileSync('dcmdump', ['-q', '+P', '0028,0101', '+P', '0028,0103', '+P', '0028,0004', path], { encoding: 'latin1' });
  const bits = /\(0028,0101\) US (\d+)/.exec(dump)?.[1];
  const representation = /\(0028,0103\) US (\d+)/.exec(dump)?.[1];
  assert.ok(bits !== undefined && representation !== undefined, `dcmdump found no Bits Stored / Pixel Representation in ${path}`);
  // dcmimage renders MONOCHROME1 inverted (its minimum is white), our stored values are not: +P undoes it exactly.
  return { bitsStored: Number(bits), signed: representation === '1', inverted: dump.includes('[MONOCHROME1]') };
}

// [file, transfer syntax UID, lossy]: what each file is, also checked against dcmdump below.
const files: [string, string, boolean][] = [
  ['CT_small.dcm', '1.2.840.10008.1.2.1', false],
  ['MR_small.dcm', '1.2.840.10008.1.2.1', false],
  ['MR_small_implicit.dcm', '1.2.840.10008.1.2', false],
  ['MR_small_bigendian.dcm', '1.2.840.10008.1.2.2', false],
  ['image_dfl.dcm', '1.2.840.10008.1.2.1.99', false],
  ['MR_small_RLE.dcm', '1.2.840.10008.1.2.5', false],
  ['emri_small_RLE.dcm', '1.2.840.10008.1.2.5', false],
  ['SC_rgb_jpeg_dcmtk.dcm', '1.2.840.10008.1.2.4.50', true],
  ['JPGExtended.dcm', '1.2.840.10008.1.2.4.51', true],
  ['SC_rgb_jpeg_gdcm.dcm', '1.2.840.10008.1.2.4.70', false],
  ['bad_sequence.dcm', '1.2.840.10008.1.2.4.70', false],
  ['MR_small_jpeg_ls_lossless.dcm', '1.2.840.10008.1.2.4.80', false],
  ['emri_small_jpeg_ls_lossless.dcm', '1.2.840.10008.1.2.4.80', false],
  ['MR_small_jp2klossless.dcm', '1.2.840.10008.1.2.4.90', false],
  ['emri_small_jpeg_2k_lossless.dcm', '1.2.840.10008.1.2.4.90', false],
  ['693_J2KR.dcm', '1.2.840.10008.1.2.4.90', false],
  ['RG3_J2KR.dcm', '1.2.840.10008.1.2.4.90', false],
  ['RG1_J2KI.dcm', '1.2.840.10008.1.2.4.91', true],
];

test('every pixel-bearing file in the shared data is listed here', () => {
  const withPixels = ['no_meta_group_length.dcm', 'reportsi.dcm', 'rtplan_truncated.dcm'];
  const listed = new Set([...files.map(([name]) => name), ...withPixels]);
  assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.dcm') && !listed.has(name)), []);
});

test('each file has the transfer syntax the table says, per dcmdump and per our parser', async () => {
  requireTool('dcmdump', 'dcmtk');
  for (const [name, uid] of files) {
    const dump = execFileSync('dcmdump', ['-q', '-Un', '+P', '0002,0010', join(dir, name)], { encoding: 'latin1' });
    assert.match(dump, new RegExp(`\\[${uid.replaceAll('.', '\\.')}\\]`), name);
    const { parsed } = await decodeStoredFrames(readFileSync(join(dir, name)));
    assert.equal(parsed.syntax.uid, uid, name);
  }
});

// Lossy decoders may round differently from libjpeg/OpenJPEG's; this is the mean |Δ| allowed, in stored units.
const lossyMeanTolerance = 0.5;

for (const [name, uid, lossy] of files) {
  test(`${name}: pixels match dcmtk${lossy ? ` (lossy: mean |Δ| ≤ ${lossyMeanTolerance})` : ' exactly'}`, async () => {
    requireTool('dcm2pnm', 'dcmtk');
    const j2k = uid.startsWith('1.2.840.10008.1.2.4.9');
    if (j2k) requireTool('gdcmconv', 'libgdcm-tools');
    const work = mkdtempSync(join(tmpdir(), 'ns-dicom-'));
    try {
      const { header, frames } = await decodeStoredFrames(readFileSync(join(dir, name)));
      let input = join(dir, name);
      if (j2k) {
        input = join(work, 'raw.dcm');
        execFileSync('gdcmconv', ['--raw', join(dir, name), input]);
      }
      // gdcmconv may rewrite Bits Stored to the codestream's precision: the range is the reference file's own.
      const { bitsStored, signed, inverted } = storedRange(input);
      const polarity = inverted ? ['+P'] : [];
      execFileSync(converter(uid), ['-q', '-M', '-W', ...polarity, '+opn', String(bitsStored), '+Fa', input, join(work, 'out')]);
      const offset = signed ? 2 ** (bitsStored - 1) : 0;
      const extension = header.samplesPerPixel === 3 ? 'ppm' : 'pgm';
      let worst = 0;
      frames.forEach((ours, f) => {
        const theirs = readAsciiPnm(join(work, `out.${f}.${extension}`));
        assert.equal(theirs.length, ours.length, `${name} frame ${f}: sample count`);
        let total = 0;
        for (let i = 0; i < ours.length; i++) {
          const diff = Math.abs(ours[i]! + offset - theirs[i]!);
          total += diff;
          if (diff > worst) worst = diff;
        }
        if (lossy) assert.ok(total / ours.length <= lossyMeanTolerance, `${name} frame ${f}: mean |Δ| ${total / ours.length}`);
      });
      if (!lossy) assert.equal(worst, 0, `${name}: max |Δ| ${worst}`);
      console.log(`${name}: ${header.columns}×${header.rows}×${header.samplesPerPixel}, ${frames.length} frame(s), max |Δ| ${worst}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
