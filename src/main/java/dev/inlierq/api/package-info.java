/**
 * The library's entry points, one per command: post-training quantization of a detector end to end
 * ({@link dev.inlierq.api.Quantization}, its settings a {@link dev.inlierq.api.QuantizationConfig} with the
 * {@link dev.inlierq.api.Method}'s recipe; its stages are package-private classes but for
 * {@link dev.inlierq.api.CalibrationStage}, the steps before rounding that per-layer sensitivity shares), COCO evaluation on either
 * engine ({@link dev.inlierq.api.Evaluation}) and throughput measurement ({@link dev.inlierq.api.Benchmark}), with
 * the checks every command makes before any work (the detector spec against the model, {@code ModelCheck};
 * output paths, {@link dev.inlierq.api.OutputGuard}) and the choice of engine ({@link dev.inlierq.api.EngineKind}).
 */
package dev.inlierq.api;
