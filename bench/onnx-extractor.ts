/**
 * Bench case: images/s of genreport's ONNX extractor on an Inception-v3-sized
 * network at 299 × 299 beside PyTorch on CPU (Debian's python3-torch), same
 * machine, same run, same images (bench/inception-onnx.py builds, times and
 * exports the network). Alone: node --import tsx bench/onnx-extractor.ts [n]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrayToImages } from '../src/data/source.ts';
import { readNpy } from '../src/data/npy.ts';
import { loadOnnxExtractor } from '../src/features/onnx-extractor.ts';

export interface OnnxBench {
  genreportImagesPerS: number;
  torchImagesPerS: number;
  runtime: string;
  n: number;
}

export async function benchOnnxExtractor(n = 64, batch = 16): Promise<OnnxBench | { skipped: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-bench-onnx-'));
  try {
    const script = fileURLToPath(new URL('inception-onnx.py', import.meta.url));
    const py = spawnSync('/usr/bin/python3', [script, dir, String(n), String(batch)], { encoding: 'utf8' });
    if (py.status !== 0) return { skipped: `PyTorch side failed (${(py.stderr || py.error?.message || '').trim().split('\n').pop()})` };
    const torch = JSON.parse(py.stdout.trim().split('\n').pop()!);
    const images = arrayToImages(readNpy(join(dir, 'images.npy')), 'images.npy');
    const extractor = await loadOnnxExtractor(join(dir, 'inception.onnx'));
    try {
      await extractor.extract({ ...images, n: batch, data: images.data.subarray(0, batch * 299 * 299 * 3) }, batch); // warm-up
      const started = performance.now();
      await extractor.extract(images, batch);
      const seconds = (performance.now() - started) / 1000;
      return { genreportImagesPerS: n / seconds, torchImagesPerS: torch.torch_images_per_s, runtime: extractor.info.runtime ?? '', n };
    } finally {
      extractor.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatOnnxBench(r: OnnxBench | { skipped: string }): string {
  if ('skipped' in r) return `ONNX extractor (Inception-v3 size, 299×299): skipped: ${r.skipped}`;
  const ratio = r.genreportImagesPerS / r.torchImagesPerS;
  return (
    `ONNX extractor (Inception-v3 size, 299×299, ${r.n} images): genreport ${r.genreportImagesPerS.toFixed(1)} images/s (${r.runtime}), ` +
    `PyTorch ${r.torchImagesPerS.toFixed(1)} images/s: ${ratio >= 1 ? `${ratio.toFixed(2)}x faster` : `${(1 / ratio).toFixed(2)}x slower`}`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatOnnxBench(await benchOnnxExtractor(Number(process.argv[2] ?? 64))));
}
