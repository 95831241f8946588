/**
 * Presets: the field's feature spaces as named declarations. genreport
 * cannot ship their weights; a user exports the network once with their own
 * torch (recipes in docs/feature-spaces.md) and names the file. The preset
 * says what the file must look like (checked: input channels and size,
 * feature dimension) and how images reach it.
 */
import type { ExtractorDeclaration } from './extractor-declaration.ts';

export interface Preset {
  id: string;
  label: string;
  declaration: Required<Pick<ExtractorDeclaration, 'name' | 'layout' | 'channels' | 'range' | 'size' | 'resize'>> &
    Pick<ExtractorDeclaration, 'mean' | 'std'>;
  /** Length of the feature vector the file must give. */
  dim: number;
  /** What the feature output is, for the report. */
  output: string;
}

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const CLIP = { mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] };

export const PRESETS: Record<string, Preset> = {
  'inception-fid': {
    id: 'inception-fid',
    label: 'Inception-v3',
    // pytorch-fid's InceptionV3([3]) resizes to 299 (bilinear) and scales to [-1, 1] inside its graph.
    declaration: {
      name: "pytorch-fid's FID Inception-v3 (pool3)",
      layout: 'NCHW',
      channels: 3,
      range: [0, 1],
      size: 'any',
      resize: 'none',
    },
    dim: 2048,
    output: 'pool3 (2048-d, after adaptive average pooling)',
  },
  'dinov2-vitl14': {
    id: 'dinov2-vitl14',
    label: 'DINOv2 ViT-L/14',
    declaration: {
      name: 'DINOv2 ViT-L/14 (CLS token)',
      layout: 'NCHW',
      channels: 3,
      range: [0, 1],
      size: [224, 224],
      resize: 'bicubic-pil',
      ...IMAGENET,
    },
    dim: 1024,
    output: 'CLS token (1024-d)',
  },
  'clip-vitb32': {
    id: 'clip-vitb32',
    label: 'CLIP ViT-B/32',
    declaration: {
      name: 'CLIP ViT-B/32 image embedding',
      layout: 'NCHW',
      channels: 3,
      range: [0, 1],
      size: [224, 224],
      resize: 'bicubic-pil',
      ...CLIP,
    },
    dim: 512,
    output: 'image embedding (512-d)',
  },
};
