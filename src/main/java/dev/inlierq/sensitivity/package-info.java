/**
 * Label-free per-layer sensitivity to quantization: for every layer of the quantizer plan, the float model with
 * only that layer's weights (rounded to nearest or with GPTQ's codes,
 * {@link dev.inlierq.sensitivity.WeightRounding}), or only its input activation, fake-quantized at the plan's bits,
 * scored against the float model on calibration images by the change of InlierQ's top-K heatmap loss and the
 * output SQNR, and, on a labelled subset, by the change of COCO AP
 * ({@link dev.inlierq.sensitivity.SensitivityAnalysis}). The result is a list of
 * {@link dev.inlierq.sensitivity.LayerSensitivity} records for reports and mixed precision, with
 * {@link dev.inlierq.sensitivity.Spearman}'s rank correlation between the label-free and the AP ranking.
 */
package dev.inlierq.sensitivity;
