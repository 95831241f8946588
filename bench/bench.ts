/**
 * `npm run bench`: speed figures, printed, never asserted.
 * - start time of --help and check against `node -e 0` (issue 29: each under 1 s)
 * - backend chosen and why
 * - our wasm conv kernels against the built-in ones
 * - images/s for sampling (per model; the autoregressive 500-in-3-minutes target) and for feature extraction
 * - images/s of the ONNX extractor on an Inception-v3-sized network beside PyTorch, and the share of
 *   the float32 peak (best measured sgemm) each reaches (onnx-extractor.ts; the network is cached in .cache/bench/)
 * - seconds per pipeline stage for the demo report
 * - FID, KID and PRDC at full size against numpy/sklearn on the same data (ratios);
 *   FID and PRDC as whole commands on both sides, with issue 29's targets
 *   (FID ≤ 1.0× numpy's Cholesky + eigvalsh route, PRDC ≤ 0.34× clovaai prdc)
 * - nearest-neighbour metrics at 10k and 50k, d = 128 and 2,048: time, peak
 *   memory, scaling exponent, beside sklearn at 10k (nearest-neighbours.ts)
 * - seconds per stage of the 50,000-sample run over the three MNIST GANs (stages.ts)
 *
 * BENCH_PARTS picks parts (comma-separated; default all): start, backend,
 * kernels, extraction, onnx, demo, metrics, nn, stages. The nn and stages
 * parts at full size take the longest (tens of minutes on two cores);
 * BENCH_NN_SIZES, BENCH_NN_DIMS and BENCH_STAGE_SAMPLES shrink them.
 * BENCH_BACKEND (auto, tensorflow, wasm, cpu) forces the tfjs backend.
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../src/config/config.ts';
import { initBackend } from '../src/core/backend.ts';
import { createLogger } from '../src/core/logger.ts';
import { loadMnist } from '../src/data/mnist.ts';
import { loadMnistClassifier } from '../src/features/mnist-classifier.ts';
import { runPipeline } from '../src/pipeline.ts';
import { benchKernels } from './kernels.ts';
import { benchMetrics } from './metrics.ts';
import { benchOnnxExtractor, formatOnnxBench } from './onnx-extractor.ts';
import { benchNearestNeighbours } from './nearest-neighbours.ts';
import { benchStages } from './stages.ts';
import { benchStartTime } from './start-time.ts';
import type { BackendPreference } from '../src/core/backend.ts';

const PARTS = ['start', 'backend', 'kernels', 'extraction', 'onnx', 'demo', 'metrics', 'nn', 'stages'] as const;
const chosen = (process.env.BENCH_PARTS ?? PARTS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = chosen.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length > 0) {
  console.error(`BENCH_PARTS: unknown part(s) ${unknown.join(', ')} (known: ${PARTS.join(', ')})`);
  process.exit(2);
}
const part = (name: (typeof PARTS)[number]) => chosen.includes(name);

// First, while nothing else of this process competes for the cores.
if (part('start')) benchStartTime();

const backend = await initBackend((process.env.BENCH_BACKEND as BackendPreference | undefined) ?? 'auto');
console.log(`backend: ${backend.name} (${backend.reason}); device: ${backend.device}`);

if (backend.name === 'wasm' && part('kernels')) {
  console.log('\nwasm kernels (median ms, batch 64):');
  for (const row of await benchKernels()) {
    const speedup = row.builtinMs === null ? 0 : row.builtinMs / row.oursMs;
    const ratio =
      row.builtinMs === null
        ? 'built-in: none'
        : `built-in ${row.builtinMs.toFixed(1)} ms: ours ${speedup >= 1 ? `${speedup.toFixed(1)}x faster` : `${(1 / speedup).toFixed(1)}x slower`}`;
    console.log(`  ${row.name.padEnd(72)} ${row.oursMs.toFixed(1).padStart(7)} ms  (${ratio})`);
  }
}

if (part('extraction')) {
  const extractor = await loadMnistClassifier();
  const images = loadMnist('test', 5000).images;
  await extractor.extract(loadMnist('test', 250).images, 250); // warm-up
  const started = performance.now();
  await extractor.extract(images, 250);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nfeature extraction (${extractor.info.name}, ${backend.device}): ${(images.n / seconds).toFixed(0)} images/s over ${images.n} images`,
  );
  extractor.dispose();
}
if (part('onnx')) console.log(formatOnnxBench(await benchOnnxExtractor()));

if (part('demo')) await benchDemo();

if (part('metrics')) {
  console.log('\nmetrics against the Python references (same data, same run):');
  await benchMetrics();
}
if (part('nn')) await benchNearestNeighbours();
if (part('stages')) await benchStages();

async function benchDemo(): Promise<void> {
  const demo = fileURLToPath(new URL('../samples/mnist/demo.yaml', import.meta.url));
  const { config } = readConfig(demo);
  const out = mkdtempSync(join(tmpdir(), 'genreport-bench-'));
  const result = await runPipeline(config, {
    out,
    backend: 'auto',
    command: 'npm run bench',
    logger: createLogger({ quiet: true }),
  });
  console.log(
    `\ndemo report (${config.models.length} models, ${config.samples} samples each, ${result.data.dataset.count} real images):`,
  );
  for (const m of result.data.models) {
    console.log(
      `  sampling ${m.name.padEnd(20)} ${m.samplesPerSecond?.toFixed(m.samplesPerSecond < 100 ? 1 : 0).padStart(7)} images/s`,
    );
  }
  // Issue 3's target: an autoregressive sample model draws 500 images within 3 minutes.
  // On wasm its batches run on one worker thread per core (as many as there are batches).
  const threads =
    backend.name === 'wasm' ? Math.min(availableParallelism(), Math.ceil(config.samples / config.batchSize)) : 1;
  for (const m of result.data.models.filter((m) => m.family === 'autoregressive' && m.samplesPerSecond)) {
    const seconds = 500 / m.samplesPerSecond!;
    console.log(
      `  ${m.name}: 500 samples in ${seconds.toFixed(0)} s on ${threads} thread(s) (target <= 180 s: ${seconds <= 180 ? 'met' : `missed by ${(seconds / 180).toFixed(1)}x`})`,
    );
  }
  let total = 0;
  // The run's timings: the report's, and the write stage's, which the report cannot hold.
  for (const t of result.timings) {
    total += t.seconds;
    console.log(`  stage ${t.stage.padEnd(13)} ${t.seconds.toFixed(2).padStart(7)} s`);
  }
  console.log(
    `  total               ${total.toFixed(2).padStart(7)} s${result.pdfSkipped ? ' (PDF skipped: no browser)' : ''}`,
  );
}
