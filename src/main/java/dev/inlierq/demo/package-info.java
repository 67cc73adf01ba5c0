/**
 * {@code inlierq demo}: the tool end to end on its own detector and synthetic data, with nothing to download
 * ({@link dev.inlierq.demo.Demo#run}, settings {@link dev.inlierq.demo.DemoConfig}, outcome
 * {@link dev.inlierq.demo.DemoResult}). The images come from {@link dev.inlierq.synth}, cached between runs; the
 * work goes through {@link dev.inlierq.api} (evaluation, quantization, benchmark) and
 * {@link dev.inlierq.htmlreport}. See {@code docs/demo.md}.
 */
package dev.inlierq.demo;
