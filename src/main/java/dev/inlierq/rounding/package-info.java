/**
 * Closed-form second-order rounding of weights: GPTQ ({@link dev.inlierq.rounding.Gptq}) with the layer input
 * Hessians of the calibration set ({@link dev.inlierq.rounding.LayerHessians}, optionally weighted by InlierQ's
 * inlier posterior) and bias correction ({@link dev.inlierq.rounding.GptqRounding}).
 */
package dev.inlierq.rounding;
