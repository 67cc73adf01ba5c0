package dev.inlierq.compare;

import java.util.Comparator;

/**
 * The error of one tensor of the quantized model against the float model, pooled over the images
 * ({@link ErrorStats} defines the metrics).
 *
 * @param pair          the float tensor, the quantized model's tensor compared with it, and how they match
 * @param shape         the tensor's shape (batch 1)
 * @param sqnrDb        signal-to-quantization-noise ratio in dB (infinite when the two are equal)
 * @param maxAbsError   largest absolute difference
 * @param relMeanError  sum |f - q| / sum |f|
 * @param cosine        cosine similarity of the two, all elements of all images as one vector
 */
public record TensorError(TensorMatch.Pair pair, long[] shape, double sqnrDb, double maxAbsError,
        double relMeanError, double cosine) {
    /** Worst first: lowest SQNR, then by name. */
    public static final Comparator<TensorError> WORST_FIRST = Comparator.comparingDouble(TensorError::sqnrDb)
            .thenComparing(e -> e.pair().floatTensor());

    /** The float model's tensor name. */
    public String tensor() {
        return pair.floatTensor();
    }
}
