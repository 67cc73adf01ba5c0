package dev.inlierq.graph;

/**
 * Folds an inference-mode batch normalisation into the convolution (or any per-output-channel linear layer)
 * before it (Ioffe and Szegedy, "Batch Normalization", ICML 2015, Algorithm 2: at inference the normalisation
 * is a fixed affine map per channel). With {@code k = gamma / sqrt(var + eps)}:
 * <pre>
 *   W'[c, ...] = W[c, ...] * k[c]          b'[c] = (b[c] - mean[c]) * k[c] + beta[c]
 * </pre>
 * so that {@code conv(x; W', b') = BN(conv(x; W, b))}. One implementation for the graph preparer (BN nodes of
 * models as read) and the trainer (its training-mode BN layers folded with their running statistics at export).
 */
public final class BatchNormFold {
    private BatchNormFold() {
    }

    /**
     * Folds in place.
     *
     * @param weights the layer's weights, output channel first (row-major {@code [oc, ...]})
     * @param bias the layer's bias, {@code oc} values (zeros for a layer without one)
     * @param gamma the BN scale
     * @param beta the BN shift
     * @param mean the mean the BN subtracts
     * @param var the variance it divides by (through {@code sqrt(var + eps)})
     * @param eps the BN epsilon
     */
    public static void apply(float[] weights, float[] bias, float[] gamma, float[] beta, float[] mean, float[] var,
            float eps) {
        int oc = bias.length;
        int per = weights.length / oc;
        for (int c = 0; c < oc; c++) {
            double k = gamma[c] / Math.sqrt((double) var[c] + eps);
            for (int j = 0; j < per; j++) {
                weights[c * per + j] = (float) (weights[c * per + j] * k);
            }
            bias[c] = (float) ((bias[c] - mean[c]) * k + beta[c]);
        }
    }

    /** True for a BatchNormalization node in training mode (ONNX opset 14+): it normalises with batch statistics. */
    public static boolean isTrainingMode(Node bn) {
        return bn.op() == OpType.BatchNormalization && bn.attrs().getInt("training_mode", 0) != 0;
    }
}
