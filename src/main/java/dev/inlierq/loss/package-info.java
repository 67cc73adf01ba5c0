/**
 * Detection task losses computed on the engine: the detector's per-class score heatmap
 * ({@link dev.inlierq.loss.HeatmapBuilder}) and InlierQ's label-free top-K heatmap loss
 * ({@link dev.inlierq.loss.TopKHeatmapLoss}; Kim et al., ICLR 2026, Eq. 7).
 */
package dev.inlierq.loss;
