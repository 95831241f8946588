/**
 * A small but realistic ReportData for render tests: two models (a GAN and a
 * VAE), FID with an interval, KID with a std, a bits/dim cell that does not
 * apply to the GAN, the FID/KID chart and one sample grid per model; with
 * `prdc`, also recall, density and coverage and the fidelity-diversity chart.
 */
import { REPORT_FORMAT, type ReportData } from '../../src/assemble/report-data.ts';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { renderChart } from '../../src/render/chart.ts';
import { fidKidChartSpec } from '../../src/render/charts/fid-kid.ts';
import { fidelityDiversityCharts } from '../../src/render/charts/fidelity-diversity.ts';
import { bitsPerDimCharts } from '../../src/render/charts/bits-per-dim.ts';
import { truncationCharts } from '../../src/render/charts/truncation.ts';
import { imageGridPng, pngDataUri } from '../../src/render/image-grid.ts';

export interface FixtureOptions {
  /** Names for the GAN and the VAE, e.g. to test escaping. */
  modelNames?: [string, string];
  /** Add recall, density and coverage (with intervals) and the fidelity-diversity chart. */
  prdc?: boolean;
  /** Add the likelihood, invertibility and truncation sections and their charts: the VAE's two bounds, the GAN without density. */
  likelihood?: boolean;
  /** Add each model's paired difference to the best model (needs `prdc`): clear leads and one that is not. */
  differences?: boolean;
}

/** 28×28 rings of varying size and thickness, soft-edged when `blur` > 0: digit-like enough to look at. */
export function ringImages(n: number, blur: number): ImageBatch {
  const batch = imageBatch(n, 28, 28, 1);
  for (let i = 0; i < n; i++) {
    const radiusX = 5 + (i % 4) * 1.5;
    const radiusY = 7 + (i % 3) * 1.5;
    const thickness = 1.2 + (i % 2);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const r = Math.hypot((x - 13.5) / radiusX, (y - 13.5) / radiusY);
        const distance = Math.abs(r - 1) * Math.min(radiusX, radiusY);
        const ink = blur > 0 ? Math.exp(-((distance / (thickness + blur)) ** 2)) : distance < thickness ? 1 : 0;
        batch.data[(i * 28 + y) * 28 + x] = ink;
      }
    }
  }
  return batch;
}

export async function buildFixtureReport(options: FixtureOptions = {}): Promise<ReportData> {
  const [gan, vae] = options.modelNames ?? ['dcgan-mnist', 'vae-mnist'];
  const data: ReportData = {
    format: REPORT_FORMAT,
    title: 'MNIST generative models: weekly comparison',
    createdAt: '2025-03-01T14:05:00.000Z',
    tool: { name: 'genreport', version: '0.1.0' },
    run: {
      command: 'genreport run --config samples/demo.yaml --out reports/demo',
      seed: 1234,
      samples: 2000,
      backend: {
        name: 'wasm',
        reason: 'tfjs-node-gpu did not load (no CUDA); wasm with SIMD is available',
        device: 'CPU: AMD EPYC 7B13, 2 cores',
      },
      timings: [
        { stage: 'sample', seconds: 4.2 },
        { stage: 'features', seconds: 11.8 },
        { stage: 'metrics', seconds: 2.05 },
      ],
    },
    dataset: { name: 'MNIST', split: 'test', count: 10000, shape: [28, 28, 1] },
    extractor: {
      id: 'mnist-classifier',
      name: 'MNIST LeNet classifier',
      layer: 'dense_1',
      dim: 128,
      hash: '9f2c4e1ab77d0c3e5f8a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566',
      note: 'test accuracy 99.1%',
    },
    models: [
      {
        name: gan,
        family: 'gan',
        bundle: 'samples/models/dcgan',
        hash: 'a1b2c3d4e5f6a7b8c9d0',
        parameters: 1_052_673,
        status: 'ok',
        samplesPerSecond: 5120,
      },
      {
        name: vae,
        family: 'vae',
        bundle: 'samples/models/vae',
        hash: 'f0e1d2c3b4a5968778695a4b',
        parameters: 652_304,
        status: 'ok',
        samplesPerSecond: 8800,
      },
    ],
    metrics: [
      {
        id: 'fid',
        label: 'FID',
        unit: '',
        direction: 'lower',
        definition: 'Fréchet distance between Gaussians fitted to real and generated features.',
        reference: 'Heusel et al. 2017; pytorch-fid',
      },
      {
        id: 'kid',
        label: 'KID',
        unit: '',
        direction: 'lower',
        definition: 'Unbiased MMD² with a cubic polynomial kernel, over 100 subsets.',
        reference: 'Bińkowski et al. 2018; torch-fidelity',
      },
      {
        id: 'precision',
        label: 'Precision',
        unit: '',
        direction: 'higher',
        definition: 'Share of generated samples inside the real k-NN manifold (k = 3).',
        reference: 'Kynkäänniemi et al. 2019',
      },
      {
        id: 'bits-per-dim',
        label: 'Bits/dim',
        unit: 'bits',
        direction: 'lower',
        definition: '−log₂ p(x) / (H·W·C) on 8-bit data.',
        reference: 'Theis et al. 2016',
      },
    ],
    results: {
      [gan]: {
        fid: { kind: 'value', value: 12.43, interval: [11.61, 13.38], n: 2000, best: true },
        kid: { kind: 'value', value: 0.0114, std: 0.0021, n: 2000, best: true },
        precision: { kind: 'value', value: 0.812, interval: [0.797, 0.829], n: 2000, best: true },
        'bits-per-dim': { kind: 'not-applicable', reason: 'a GAN defines no likelihood' },
      },
      [vae]: {
        fid: { kind: 'value', value: 31.9, interval: [30.2, 33.7], n: 2000 },
        kid: { kind: 'value', value: 0.0352, std: 0.0034, n: 2000 },
        precision: { kind: 'value', value: 0.574, interval: [0.552, 0.596], n: 2000 },
        'bits-per-dim': { kind: 'value', value: 1.41, n: 10000, best: true },
      },
    },
    charts: [],
    images: [],
    warnings: [
      'Only 2,000 samples per model: FID is biased upwards at this size; compare models only within this report.',
    ],
  };

  if (options.prdc) {
    data.metrics.push(
      {
        id: 'recall',
        label: 'Recall',
        unit: '',
        direction: 'higher',
        definition: 'Share of real samples inside the generated k-NN manifold (k = 3).',
        reference: 'Kynkäänniemi et al. 2019',
      },
      {
        id: 'density',
        label: 'Density',
        unit: '',
        direction: 'higher',
        definition: 'Mean count of real k-NN balls (k = 5) holding each generated sample, over k.',
        reference: 'Naeem et al. 2020',
      },
      {
        id: 'coverage',
        label: 'Coverage',
        unit: '',
        direction: 'higher',
        definition: 'Share of real k-NN balls (k = 5) holding a generated sample.',
        reference: 'Naeem et al. 2020',
      },
    );
    Object.assign(data.results[gan]!, {
      recall: { kind: 'value', value: 0.402, interval: [0.381, 0.425], n: 2000 },
      density: { kind: 'value', value: 1.08, interval: [1.02, 1.13], n: 2000, best: true },
      coverage: { kind: 'value', value: 0.611, interval: [0.59, 0.634], n: 2000 },
    });
    Object.assign(data.results[vae]!, {
      recall: { kind: 'value', value: 0.655, interval: [0.631, 0.677], n: 2000, best: true },
      density: { kind: 'value', value: 0.713, interval: [0.684, 0.745], n: 2000 },
      coverage: { kind: 'value', value: 0.627, interval: [0.604, 0.649], n: 2000, best: true },
    });
  }

  if (options.prdc && options.differences) {
    const row = (model: string, value: number, low: number, high: number) => ({
      model,
      difference: { value, low, high },
      clear: low > 0 || high < 0,
    });
    const metric = (id: string, label: string, best: string, other: ReturnType<typeof row>) => ({
      metric: id,
      label,
      unit: '',
      best,
      method: 'bootstrap' as const,
      n: 100,
      rows: [other],
    });
    data.differences = [
      metric('fid', 'FID', gan, row(vae, 19.47, 17.62, 21.35)),
      metric('precision', 'Precision', gan, row(vae, -0.238, -0.262, -0.214)),
      metric('recall', 'Recall', vae, row(gan, -0.253, -0.27, -0.236)),
      metric('density', 'Density', gan, row(vae, -0.367, -0.401, -0.334)),
      metric('coverage', 'Coverage', vae, row(gan, -0.016, -0.0312, 0.0004)),
    ];
  }

  const spec = fidKidChartSpec(data);
  data.charts.push({
    id: 'fid-kid',
    title: 'FID and KID per model',
    caption: 'Dots: value; bars: 95% interval (FID) or ± one standard deviation over subsets (KID).',
    spec,
    svg: await renderChart(spec),
  });
  if (options.prdc) data.charts.push(...(await fidelityDiversityCharts(data)));
  if (options.likelihood) {
    addLikelihoodSections(data, gan, vae);
    data.charts.push(...(await bitsPerDimCharts(data)), ...(await truncationCharts(data)));
  }
  for (const [model, blur] of [
    [gan, 0],
    [vae, 1.2],
  ] as const) {
    const png = await imageGridPng(ringImages(16, blur), { columns: 8, padding: 2, scale: 2 });
    data.images.push({
      id: `samples-${model}`,
      title: `Samples: ${model}`,
      caption: `16 samples from ${model}, seed 1234.`,
      model,
      dataUri: pngDataUri(png),
      width: 8 * 56 + 9 * 2,
      height: 2 * 56 + 3 * 2,
    });
  }
  return data;
}

function addLikelihoodSections(data: ReportData, gan: string, vae: string): void {
  const bound = (estimator: string, nats: number, low: number, high: number) => ({
    model: vae,
    kind: 'bound' as const,
    estimator,
    label: `${estimator === 'elbo' ? 'ELBO' : 'importance-weighted bound, K = 64'}: a lower bound on log-likelihood`,
    dataSpace: 'uint8-28x28x1',
    natsPerImage: { value: nats, low, high },
    bitsPerDim: { value: nats / (784 * Math.LN2), low: low / (784 * Math.LN2), high: high / (784 * Math.LN2) },
    n: 1000,
    samples: 64,
    secondsPerImage: 0.012,
  });
  const reference = {
    model: 'independent pixels (reference)',
    kind: 'exact' as const,
    estimator: 'independent-pixels',
    label:
      'independent pixels: one 256-way histogram per position, fit on 60000 training images (add-1 smoothing); exact for that model',
    dataSpace: 'uint8-28x28x1',
    natsPerImage: { value: 880, low: 870, high: 890 },
    bitsPerDim: { value: 880 / (784 * Math.LN2), low: 870 / (784 * Math.LN2), high: 890 / (784 * Math.LN2) },
    n: 1000,
    samples: 1,
    secondsPerImage: 0.0001,
  };
  data.density = {
    images: 1000,
    source: 'mnist:test',
    rows: [
      {
        model: gan,
        kind: 'none',
        label: 'no density',
        reason: 'no density: a GAN defines images through a generator but no probability of an image',
      },
      bound('elbo', 781, 772, 790),
      { ...bound('iwae', 766, 757, 775), gap: 15 },
    ],
    reference,
    groups: [{ dataSpace: 'uint8-28x28x1', models: [vae, reference.model] }],
    apart: [],
  };
  data.invertibility = {
    images: 64,
    rows: [
      {
        model: gan,
        method: 'inversion',
        label: 'latent optimisation: Adam (learning rate 0.05), 200 steps, best of 2 seeded restarts, no encoder',
        n: 64,
        mse: { value: 0.0176, low: 0.0152, high: 0.0201 },
        psnr: 17.5,
        labelAgreement: { value: 0.922, low: 0.83, high: 0.966, n: 64 },
        secondsPerImage: 0.57,
      },
      {
        model: vae,
        method: 'reconstruction',
        label: 'decoded image at the encoder mean: an approximate inverse',
        n: 64,
        mse: { value: 0.0121, low: 0.0104, high: 0.0139 },
        psnr: 19.2,
        labelAgreement: { value: 0.969, low: 0.893, high: 0.991, n: 64 },
        secondsPerImage: 0.002,
      },
    ],
  };
  data.truncation = [
    {
      model: gan,
      samples: 500,
      untruncated: [0],
      points: [0.5, 0.75, 1].map((psi, i) => ({
        psi,
        precision: [0.79, 0.6, 0.47][i]!,
        recall: [0.45, 0.58, 0.64][i]!,
      })),
    },
  ];
}
