/**
 * genreport's flow layers, registered for tfjs serialization on import, so a
 * flow bundle saved with them loads by itself (`tf.loadLayersModel` looks the
 * class names up in this registry). Import this module before loading bundles.
 */
import * as tf from '@tensorflow/tfjs';
import { FlowActNorm } from './act-norm.ts';
import { FlowAffineCoupling } from './affine-coupling.ts';
import { FlowConvAffineCoupling } from './conv-affine-coupling.ts';
import { FlowFactorOut } from './factor-out.ts';
import { FlowFlatten } from './flow-flatten.ts';
import { FlowLogit } from './flow-logit.ts';
import { FlowInvertible1x1Conv } from './invertible-1x1-conv.ts';
import { FlowSqueeze } from './squeeze.ts';

for (const layer of [
  FlowFlatten,
  FlowLogit,
  FlowActNorm,
  FlowAffineCoupling,
  FlowSqueeze,
  FlowConvAffineCoupling,
  FlowInvertible1x1Conv,
  FlowFactorOut,
])
  tf.serialization.registerClass(layer);

export {
  FlowActNorm,
  FlowAffineCoupling,
  FlowConvAffineCoupling,
  FlowFactorOut,
  FlowFlatten,
  FlowInvertible1x1Conv,
  FlowLogit,
  FlowSqueeze,
};
export { FlowLayer } from './flow-layer.ts';
