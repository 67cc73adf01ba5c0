package dev.inlierq.plan;

/**
 * One tensor the plan quantizes.
 *
 * @param tensor      value name in the graph
 * @param role        weight, bias or activation
 * @param bits        bit width (32 for biases)
 * @param channelAxis axis of per-channel scales, or -1 for one scale per tensor
 * @param group       tensors with the same group share one encoding (Concat inputs and output); the group
 *                    is named after one of its members; null when not shared
 * @param layer       the weighted layer this point belongs to (weights, biases, layer inputs), else null
 * @param reason      why it is quantized at this width (for the dry-run table)
 */
public record QuantPoint(String tensor, Role role, int bits, int channelAxis, String group, String layer,
        String reason) {
    public boolean perChannel() {
        return channelAxis >= 0;
    }
}
