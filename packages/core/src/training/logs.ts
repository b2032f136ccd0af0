/** What one epoch of `fit` reports (Keras `History` entries), also kept in a FitState's history. */
export interface EpochLogs {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

/** What `evaluate` reports: sample-weighted mean loss and accuracy over `count` rows. */
export interface EvaluateResult {
  readonly loss: number;
  readonly accuracy: number;
  readonly count: number;
  readonly seconds: number;
}
