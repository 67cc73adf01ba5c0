/**
 * Quantizer placement: {@link dev.inlierq.plan.Planner} finds, from the graph's structure alone, the weighted
 * layers to quantize, the quantized region before the float decoding tail, the activation tensors to quantize
 * ({@link dev.inlierq.plan.Placement}), the encodings they share, and the first and last layers; the result is
 * a {@link dev.inlierq.plan.QuantPlan} of {@link dev.inlierq.plan.QuantPoint}s, which calibration, simulation
 * and the QDQ writer all follow, so the three agree.
 */
package dev.inlierq.plan;
