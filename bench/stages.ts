/**
 * Seconds per pipeline stage for the issue-26 scale run: the three shipped
 * MNIST GANs with the shipped classifier (bench/mnist-gans.yaml), `samples`
 * from BENCH_STAGE_SAMPLES (default 50,000), on the backend the bench chose.
 * Every section of the report must be there; a missing one is printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../src/config/config.ts';
import { createLogger } from '../src/core/logger.ts';
import { runPipeline } from '../src/pipeline.ts';

const CONFIG = fileURLToPath(new URL('mnist-gans.yaml', import.meta.url));

export interface StagesBench {
  samples: number;
  device: string;
  timings: { stage: string; seconds: number }[];
  totalSeconds: number;
  peakRssMiB: number;
  missing: string[];
}

export async function benchStages(
  samples = Number(process.env.BENCH_STAGE_SAMPLES ?? 50_000),
  log: (line: string) => void = console.log,
): Promise<StagesBench> {
  const { config } = readConfig(process.env.BENCH_STAGE_CONFIG ?? CONFIG);
  const out = mkdtempSync(join(tmpdir(), 'genreport-bench-stages-'));
  log(
    `\nscale run: ${config.models.length} models × ${samples.toLocaleString('en')} samples, ${config.data.real} as the real set, ${config.data.trainCount.toLocaleString('en')} training images for memorisation`,
  );
  const started = performance.now();
  try {
    const result = await runPipeline(
      { ...config, samples },
      {
        out,
        backend: (process.env.BENCH_BACKEND as 'auto' | undefined) ?? 'auto',
        command: 'npm run bench (stages)',
        logger: createLogger({ quiet: true }),
        cache: 'off',
      },
    );
    const totalSeconds = (performance.now() - started) / 1000;
    const data = result.data;
    const missing = [
      ['results', Object.keys(data.results).length > 0],
      ['charts', data.charts.length > 0],
      ['images', data.images.length > 1],
      ['training', !!data.training],
      ['density', !!data.density],
      ['invertibility', !!data.invertibility],
      ['truncation', (data.truncation ?? []).length > 0],
      ['differences', (data.differences ?? []).length > 0],
    ]
      .filter(([, ok]) => !ok)
      .map(([name]) => name as string);
    const failed = data.models.filter((m) => m.status !== 'ok').map((m) => `${m.name}: ${m.error}`);
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    log(
      `  device: ${data.run.backend.device ?? data.run.backend.name}; files: ${result.files.length}${result.pdfSkipped ? ` (PDF skipped: ${result.pdfSkipped})` : ''}`,
    );
    for (const m of data.models)
      log(
        `  sampling ${m.name.padEnd(16)} ${m.samplesPerSecond ? `${m.samplesPerSecond.toFixed(0).padStart(7)} images/s` : m.status}`,
      );
    for (const t of result.timings) log(`  stage ${t.stage.padEnd(14)} ${t.seconds.toFixed(1).padStart(8)} s`);
    log(`  total          ${totalSeconds.toFixed(1).padStart(8)} s; peak memory ${(peakRssMiB / 1024).toFixed(2)} GiB`);
    log(
      `  report sections: ${missing.length === 0 ? 'all present' : `MISSING ${missing.join(', ')}`}${failed.length ? `; failed models: ${failed.join('; ')}` : ''}`,
    );
    return {
      samples,
      device: data.run.backend.device ?? data.run.backend.name,
      timings: result.timings,
      totalSeconds,
      peakRssMiB,
      missing,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchStages();
