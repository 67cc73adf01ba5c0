/**
 * Output decoding. A {@link dev.inlierq.detect.decode.Head} (sealed: one record per family, with its
 * formulas in the Javadoc) says how raw outputs give per-class scores (as a
 * {@link dev.inlierq.detect.decode.HeatmapRecipe}, data the autograd engine can rebuild) and per-location
 * boxes; {@link dev.inlierq.detect.decode.Decoder} adds the common selection,
 * {@link dev.inlierq.detect.decode.Nms NMS}, back-mapping and class ids.
 */
package dev.inlierq.detect.decode;
