package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

/**
 * Which elements of a tensor share one (scale, zero point) pair.
 *
 * <ul>
 *   <li>{@link PerTensor}: one pair for the whole tensor.
 *   <li>{@link PerChannel}: one pair per index of {@code axis} (ONNX {@code QuantizeLinear} with a 1-D scale
 *       and {@code axis}), e.g. axis 0 of a Conv weight {@code [Cout, Cin/g, kH, kW]}.
 *   <li>{@link PerGroup}: ONNX blocked quantization (opset 21, attribute {@code block_size}): along {@code axis},
 *       runs of {@code groupSize} consecutive elements share a pair, separately for every index of the other
 *       axes. The parameter tensor has the input's shape with dimension {@code axis} replaced by
 *       {@code ceil(D / groupSize)}; the last group may be shorter.
 * </ul>
 */
public sealed interface Granularity {

    /** One scale and zero point for the whole tensor. */
    record PerTensor() implements Granularity {
    }

    /** One scale and zero point per index of {@code axis} (0-based, counted from the first dimension). */
    record PerChannel(int axis) implements Granularity {
        public PerChannel {
            check(axis >= 0, "PerChannel.axis", "an axis >= 0", axis);
        }
    }

    /** One scale and zero point per block of {@code groupSize} consecutive elements along {@code axis}. */
    record PerGroup(int axis, int groupSize) implements Granularity {
        public PerGroup {
            check(axis >= 0, "PerGroup.axis", "an axis >= 0", axis);
            check(groupSize >= 1, "PerGroup.groupSize", "a group size >= 1", groupSize);
        }
    }

    static PerTensor perTensor() {
        return new PerTensor();
    }

    static PerChannel perChannel(int axis) {
        return new PerChannel(axis);
    }

    static PerGroup perGroup(int axis, int groupSize) {
        return new PerGroup(axis, groupSize);
    }
}
