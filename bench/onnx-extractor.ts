/**
 * Bench case: images/s of genreport's ONNX extractor on an Inception-v3-sized
 * network at 299 × 299 beside PyTorch on CPU (Debian's python3-torch), same
 * machine, same run, same images (bench/inception-onnx.py builds, times and
 * exports the network into .cache/bench/, gitignored), and the fraction of the
 * machine's float32 peak each reaches: 2 × multiply-adds per image × images/s
 * over the best measured sgemm rate (numpy's or torch's, whichever is higher).
 * Both sides run at this process's niceness (run the bench under `nice`).
 * Alone: nice node --import tsx bench/onnx-extractor.ts [n]
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrayToImages } from '../src/data/source.ts';
import { readNpy } from '../src/data/npy.ts';
import { loadOnnxExtractor } from '../src/features/onnx-extractor.ts';

const CACHE = fileURLToPath(new URL('../.cache/bench/inception/', import.meta.url));

export interface OnnxBench {
  genreportImagesPerS: number;
  torchImagesPerS: number;
  runtime: string;
  torchThreads: number;
  n: number;
  /** Floating-point operations per image: 2 × the convolutions' and linear layers' multiply-adds. */
  flopsPerImage: number;
  /** The machine's float32 peak as the best measured sgemm, GFLOP/s, and where it was measured. */
  peakGflops: number;
  peakFrom: string;
}

export async function benchOnnxExtractor(n = 64, batch = 16): Promise<OnnxBench | { skipped: string }> {
  const script = fileURLToPath(new URL('inception-onnx.py', import.meta.url));
  const py = spawnSync('/usr/bin/python3', [script, CACHE, String(n), String(batch)], { encoding: 'utf8' });
  if (py.status !== 0)
    return { skipped: `PyTorch side failed (${(py.stderr || py.error?.message || '').trim().split('\n').pop()})` };
  const torch = JSON.parse(py.stdout.trim().split('\n').pop()!);
  const imagesFile = join(CACHE, `images-${n}.npy`);
  const images = arrayToImages(readNpy(imagesFile), imagesFile);
  rmSync(imagesFile); // random pixels, made again in a second; the network stays cached
  const extractor = await loadOnnxExtractor(join(CACHE, 'inception.onnx'));
  try {
    await extractor.extract({ ...images, n: batch, data: images.data.subarray(0, batch * 299 * 299 * 3) }, batch); // warm-up
    const started = performance.now();
    await extractor.extract(images, batch);
    const seconds = (performance.now() - started) / 1000;
    const numpyPeak: number = torch.sgemm_gflops_numpy;
    const torchPeak: number = torch.sgemm_gflops_torch;
    return {
      genreportImagesPerS: n / seconds,
      torchImagesPerS: torch.torch_images_per_s,
      runtime: extractor.info.runtime ?? '',
      torchThreads: torch.threads,
      n,
      flopsPerImage: 2 * torch.macs_per_image,
      peakGflops: Math.max(numpyPeak, torchPeak),
      peakFrom: `best ${torch.sgemm_size}² float32 matmul: numpy ${numpyPeak.toFixed(1)}, torch ${torchPeak.toFixed(1)} GFLOP/s`,
    };
  } finally {
    extractor.dispose();
  }
}

export function formatOnnxBench(r: OnnxBench | { skipped: string }): string {
  if ('skipped' in r) return `ONNX extractor (Inception-v3 size, 299×299): skipped: ${r.skipped}`;
  const ratio = r.genreportImagesPerS / r.torchImagesPerS;
  const ofPeak = (imagesPerS: number) => {
    const gflops = (imagesPerS * r.flopsPerImage) / 1e9;
    return `${gflops.toFixed(1)} GFLOP/s, ${((100 * gflops) / r.peakGflops).toFixed(0)}% of peak`;
  };
  return [
    `ONNX extractor (Inception-v3 size, 299×299, ${r.n} images, ${(r.flopsPerImage / 1e9).toFixed(2)} GFLOP per image = 2 × conv/linear multiply-adds):`,
    `  genreport ${r.genreportImagesPerS.toFixed(2).padStart(7)} images/s  ${ofPeak(r.genreportImagesPerS)}  (${r.runtime})`,
    `  PyTorch   ${r.torchImagesPerS.toFixed(2).padStart(7)} images/s  ${ofPeak(r.torchImagesPerS)}  (${r.torchThreads} threads)`,
    `  genreport/PyTorch: ${ratio >= 1 ? `${ratio.toFixed(2)}x faster` : `${(1 / ratio).toFixed(2)}x slower`} (target: at least as fast)`,
    `  peak: ${r.peakGflops.toFixed(1)} GFLOP/s (${r.peakFrom})`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatOnnxBench(await benchOnnxExtractor(Number(process.argv[2] ?? 64))));
}
