/**
 * Automatic mixed precision of the weights: {@link dev.inlierq.mixed.MixedPrecision} keeps the layers whose weights
 * are most sensitive per byte ({@link dev.inlierq.sensitivity.SensitivityAnalysis}) at 8 bit within a budget, the
 * others at the target bits, and hands the choice to the planner as per-layer weight bits
 * ({@link dev.inlierq.plan.PlanOptions#layerWeightBits()}).
 */
package dev.inlierq.mixed;
