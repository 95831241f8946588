/**
 * What a component declares it takes and makes, checked against the manifest
 * when the model is built. A bundle whose latent.dim or image shape does not
 * match its networks is then refused with the manifest field named, before any
 * sampling, instead of failing deep inside tfjs with an internal error.
 * A size the component leaves free (null, -1) or a shape it does not declare
 * (some GraphModels) is not checked here; the output checks at run time remain.
 */
import * as tf from '@tensorflow/tfjs';
import { GenreportError, type Problem } from '../core/errors.ts';
import type { Bundle } from './bundle.ts';
import type { ComponentName } from './manifest.ts';

/** A shape with null where the size is free. */
export type Shape = readonly (number | null)[];

interface DeclaredIo {
  inputs: (Shape | undefined)[];
  outputs: (Shape | undefined)[];
}

function declaredIo(bundle: Bundle, component: ComponentName): DeclaredIo {
  const model = bundle.components[component];
  if (!model) return { inputs: [], outputs: [] };
  const free = (shape: readonly (number | null)[] | undefined): Shape | undefined =>
    shape?.map((d) => (d === null || d < 0 ? null : d));
  if (model instanceof tf.LayersModel) {
    return { inputs: model.inputs.map((t) => free(t.shape)), outputs: model.outputs.map((t) => free(t.shape)) };
  }
  return { inputs: model.inputs.map((t) => free(t.shape)), outputs: model.outputs.map((t) => free(t.shape)) };
}

export function formatShape(shape: Shape): string {
  return `[${shape.map((d) => d ?? 'n').join(', ')}]`;
}

/** One expected axis: the size the manifest implies and the field that sets it. */
export interface Axis {
  size: number | null;
  field?: string;
  /** What the manifest says, for the message; default `is <size>`. */
  says?: string;
}

export interface ComponentExpectation {
  component: ComponentName;
  /** Expected axes of each input, in order; absent: inputs not checked. */
  inputs?: Axis[][];
  /** Expected axes of the (single) output; absent: not checked. */
  output?: Axis[];
}

/**
 * Every mismatch between what the components declare and what the manifest
 * implies, one problem per manifest field, thrown together.
 */
export function checkComponentShapes(bundle: Bundle, expectations: ComponentExpectation[]): void {
  const problems = expectations.flatMap((e) => componentProblems(bundle, e));
  if (problems.length > 0) throw new GenreportError(problems);
}

function componentProblems(bundle: Bundle, { component, inputs, output }: ComponentExpectation): Problem[] {
  const file = bundle.manifestFile;
  const io = declaredIo(bundle, component);
  const field = `components.${component}`;
  if (io.outputs.length > 1)
    return [{ file, field, message: `has ${io.outputs.length} outputs; genreport expects one` }];
  if (inputs && io.inputs.length > 0 && io.inputs.length !== inputs.length) {
    return [
      {
        file,
        field,
        message: `takes ${io.inputs.length} input${io.inputs.length === 1 ? '' : 's'}; the ${bundle.manifest.family} adapter gives it ${inputs.length}`,
      },
    ];
  }
  const problems: Problem[] = [];
  inputs?.forEach((axes, i) =>
    problems.push(
      ...axisProblems(
        io.inputs[i],
        axes,
        `${field} takes ${inputs.length > 1 ? `as input ${i + 1} ` : ''}`,
        file,
        field,
      ),
    ),
  );
  if (output) problems.push(...axisProblems(io.outputs[0], output, `${field} makes `, file, field));
  return problems;
}

function axisProblems(
  declared: Shape | undefined,
  axes: Axis[],
  verb: string,
  file: string,
  componentField: string,
): Problem[] {
  if (!declared) return [];
  const expected = formatShape(axes.map((a) => a.size));
  if (declared.length !== axes.length) {
    return [
      {
        file,
        field: componentField,
        message: `${verb.replace(/^components\.\w+ /, '')}${formatShape(declared)}, but the manifest needs ${expected}`,
      },
    ];
  }
  const problems: Problem[] = [];
  axes.forEach((axis, i) => {
    const size = declared[i];
    if (axis.size === null || size === null || size === axis.size) return;
    const says = axis.says ?? `is ${axis.size}`;
    problems.push({
      file,
      field: axis.field ?? componentField,
      message: `${says}, but ${verb}${formatShape(declared)} (the manifest needs ${expected})`,
    });
  });
  return problems;
}

/** Axes of an NHWC image batch as the manifest declares it; channels × `perPixel` for distribution parameters. */
export function imageAxes(bundle: Bundle, perPixel = 1, formField?: string): Axis[] {
  const { height, width, channels } = bundle.manifest.image;
  return [
    { size: null },
    { size: height, field: 'image.height' },
    { size: width, field: 'image.width' },
    perPixel === 1
      ? { size: channels, field: 'image.channels' }
      : {
          size: channels * perPixel,
          field: formField ?? 'image.channels',
          says: `${channels} channel(s) × ${perPixel} parameters per pixel (${formField ?? 'the form'}) is ${channels * perPixel}`,
        },
  ];
}

/** [n, latent.dim × times]: what a generator or decoder takes (1), what an encoder makes (2: mean and log-variance). */
export function latentAxes(dim: number, times = 1): Axis[] {
  return [
    { size: null },
    {
      size: dim * times,
      field: 'latent.dim',
      says: times === 1 ? `is ${dim}` : `is ${dim}, so ${times} × ${dim} = ${dim * times} values`,
    },
  ];
}
