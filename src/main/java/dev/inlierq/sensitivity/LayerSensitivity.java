package dev.inlierq.sensitivity;

import java.util.List;
import java.util.Objects;

/**
 * How much one quantized layer of the plan hurts when quantized alone: its weights only, and its input activation
 * only, each scored against the float model ({@link Score}). A variant that was not measured (not asked for, or an
 * input the plan leaves in float) has a {@code null} score.
 *
 * @param layer  the layer's node name
 * @param op     its op type (Conv, Gemm, ...)
 * @param weight the layer's weight quantizer and its score
 * @param input  the layer's input quantizer and its score ({@code null} when the plan does not quantize the input)
 */
public record LayerSensitivity(String layer, String op, Weight weight, Input input) {
    public LayerSensitivity {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(weight, "weight");
    }

    /**
     * One variant measured against the float model on the same images.
     *
     * @param lossChange the change of the top-K heatmap loss ({@link dev.inlierq.loss.TopKHeatmapLoss}) term by
     *                   term, mean over the scoring images of {@code (1 / KC) sum |log H_q - log H_f|} on the float
     *                   model's top-K entries ({@link dev.inlierq.loss.TopKHeatmapLoss#shift}); larger is more
     *                   sensitive
     * @param sqnrDb     output SQNR in dB, float against quantized, the lowest over the model's outputs
     *                   ({@code +Infinity} when the outputs are unchanged)
     * @param apChange   COCO AP@[.50:.95] of the float model minus that of the quantized one on the labelled subset
     *                   (a fraction; positive is a loss), {@code null} when not measured
     */
    public record Score(double lossChange, double sqnrDb, Double apChange) {
    }

    /**
     * A layer's weight quantizer. A weight read by several layers (a head shared across pyramid levels) is one
     * tensor with one encoding: it is quantized for all its readers at once, and each reader reports its score.
     *
     * @param tensor     the weight tensor
     * @param bits       its bits in the plan
     * @param parameters number of weights
     * @param readers    the quantized layers that read it, in graph order
     * @param score      its score, {@code null} when not measured
     */
    public record Weight(String tensor, int bits, long parameters, List<String> readers, Score score) {
        public Weight {
            readers = List.copyOf(readers);
        }

        /** Bytes of the weights stored at {@link #bits} (packed). */
        public long bytes() {
            return (parameters * bits + 7) / 8;
        }
    }

    /**
     * A layer's input quantizer.
     *
     * @param tensor the activation tensor the layer reads
     * @param bits   its bits in the plan
     * @param score  its score, {@code null} when not measured
     */
    public record Input(String tensor, int bits, Score score) {
    }

    /** The score of a variant, or {@code null}. */
    public Score score(Variant v) {
        return v == Variant.WEIGHTS ? weight.score() : input == null ? null : input.score();
    }

    /** The larger loss change of the measured variants (0 when none was measured): the order of the table. */
    public double worstLossChange() {
        double w = 0;
        for (Variant v : Variant.values()) {
            Score s = score(v);
            if (s != null && s.lossChange() > w) {
                w = s.lossChange();
            }
        }
        return w;
    }
}
