/**
 * The immutable graph IR the tool works on ({@link dev.inlierq.graph.Graph}, {@link dev.inlierq.graph.Node},
 * {@link dev.inlierq.graph.ConstTensor}, typed {@link dev.inlierq.graph.Attributes}) and what is computed on it
 * without an engine: ONNX operator parameters read once for shape inference and kernels alike
 * ({@link dev.inlierq.graph.OpParams}), each operator's shape rule and folding rule declared in its family's
 * file ({@link dev.inlierq.graph.OpFamily}: {@code ElementwiseOps}, {@code ConvOps}, {@code PoolOps},
 * {@code ShapeOps}, {@code ResizeOps}, {@code ReductionOps}, {@code QdqOps}, {@code ConstantOps}), static shape
 * inference ({@link dev.inlierq.graph.ShapeInference}) and constant folding on plain Java arrays
 * ({@link dev.inlierq.graph.ConstantFolder}) through those rules, and the preparation of a graph as read for
 * execution and quantization ({@link dev.inlierq.graph.GraphPreparer}: fixed input shape, folded constants
 * and BatchNormalization, batch-axis tracking).
 */
package dev.inlierq.graph;
