/**
 * {@code inlierq demo}: the tool end to end on its own detector and synthetic data, with nothing to download
 * ({@link dev.inlierq.demo.Demo#run}, settings {@link dev.inlierq.demo.DemoConfig}, outcome
 * {@link dev.inlierq.demo.DemoResult}). The images come from {@link dev.inlierq.synth}, or with
 * {@link dev.inlierq.demo.DemoBenchmark#LIDAR} the bird's-eye-view maps from {@link dev.inlierq.lidar}, cached
 * between runs; the work goes through {@link dev.inlierq.api} (evaluation, quantization, benchmark),
 * {@link dev.inlierq.eval} (the LiDAR maps' centre-distance mAP) and {@link dev.inlierq.htmlreport}. See
 * {@code docs/demo.md}.
 */
package dev.inlierq.demo;
