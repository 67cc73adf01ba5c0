/**
 * The project's own detector trainer: a small CenterNet-style detector (depthwise-separable SiLU backbone, a
 * top-down neck to stride 4, heatmap / size / offset heads) defined as a {@link dev.inlierq.graph.Graph} by
 * {@link dev.inlierq.train.CenterNetGraph}, trained on the synthetic benchmark ({@link dev.inlierq.synth}) through
 * the project's engine ({@link dev.inlierq.engine.GraphExecutor}, gradients by DJL's autograd) with Adam, and
 * written to ONNX with its detector spec by {@link dev.inlierq.train.ModelFiles}. See {@code docs/training.md}.
 */
package dev.inlierq.train;
