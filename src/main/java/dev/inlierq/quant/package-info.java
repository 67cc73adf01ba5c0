/**
 * Quantizer specifications, encodings and range estimation, in plain Java (no DJL).
 *
 * <p>Three separate things (as in Qualcomm AIMET): a {@link dev.inlierq.quant.QuantSpec} says what grid is
 * allowed (bits, signedness, symmetry, integer range, {@link dev.inlierq.quant.Granularity}); an
 * {@link dev.inlierq.quant.Encoding} is the immutable result (scales and zero points) with ONNX
 * QuantizeLinear/DequantizeLinear arithmetic ({@link dev.inlierq.quant.QuantGrid}); a
 * {@link dev.inlierq.quant.RangeEstimation} (statistic + aggregation, as data) creates the
 * {@link dev.inlierq.quant.Observer} that streams calibration batches into bounded state
 * ({@link dev.inlierq.quant.RunningMinMax} or a batch-independent {@link dev.inlierq.quant.Histogram}) and the
 * {@link dev.inlierq.quant.RangeEstimator} that turns the state into ranges: min-max, percentile, entropy
 * (TensorRT KL) and MSE. Weights skip the observer: {@link dev.inlierq.quant.WeightEncodings}. The
 * differentiable fake quantizer over these encodings is {@code dev.inlierq.engine.FakeQuant}.
 */
package dev.inlierq.quant;
