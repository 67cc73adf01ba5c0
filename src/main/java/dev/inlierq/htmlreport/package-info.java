/**
 * The self-contained HTML report of a quantization run ({@code quantize --report}): a {@link
 * dev.inlierq.htmlreport.ReportModel} built from the run's result and a few extra measurements
 * ({@link dev.inlierq.htmlreport.ReportModels}, {@link dev.inlierq.htmlreport.Measurements}: ONNX Runtime latency and
 * COCO AP of the float and quantized files (and their centre-distance mAP on BEV maps), {@link dev.inlierq.htmlreport.CpuFeatures} and
 * {@link dev.inlierq.htmlreport.LatencyAdvice} for why int8 is or is not faster on this CPU), its charts drawn
 * headless with JFreeChart ({@link dev.inlierq.htmlreport.Charts}) and embedded as PNG data URIs, and one HTML file
 * with inline CSS and no external reference ({@link dev.inlierq.htmlreport.HtmlWriter}), written atomically
 * ({@link dev.inlierq.htmlreport.HtmlReport}).
 */
package dev.inlierq.htmlreport;
