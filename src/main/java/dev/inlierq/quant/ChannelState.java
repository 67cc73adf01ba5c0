package dev.inlierq.quant;

/**
 * The bounded state an {@link Observer} keeps for one quantization parameter (a tensor, or one channel):
 * a {@link RunningMinMax} (two numbers) or a {@link Histogram} (a fixed number of bins). Its size does not
 * depend on how many values or batches were seen. Non-finite values (NaN, infinities) are not recorded but
 * counted in {@link #skipped()}. Not thread-safe.
 */
public sealed interface ChannelState permits FiniteExtremes {

    /** Records {@code values[from..to)}. */
    void add(float[] values, int from, int to);

    default void add(float[] values) {
        add(values, 0, values.length);
    }

    /** Number of finite values recorded. */
    long total();

    default boolean isEmpty() {
        return total() == 0;
    }

    /** Smallest recorded value ({@code |x|} for a magnitude histogram), 0 when empty. */
    double min();

    /** Largest recorded value ({@code |x|} for a magnitude histogram), 0 when empty. */
    double max();

    /** Number of non-finite values seen and not recorded. */
    long skipped();
}
