/** Attribute checks shared by the conv kernels: they implement NHWC, undilated convolutions only. */

export function assertChannelsLast(kernelName: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} (wasm, genreport): dataFormat '${dataFormat}' is not supported; use 'NHWC'`);
  }
}

export function assertUnitDilations(kernelName: string, dilations: unknown): void {
  const values = dilations === undefined ? [] : Array.isArray(dilations) ? dilations : [dilations];
  if (values.some((d) => d !== 1)) {
    throw new Error(
      `${kernelName} (wasm, genreport): dilations ${JSON.stringify(dilations)} are not supported; only 1`,
    );
  }
}
