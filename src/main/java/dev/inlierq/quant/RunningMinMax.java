package dev.inlierq.quant;

/** Running minimum and maximum of the finite values seen: two floats, whatever the amount of data. */
public final class RunningMinMax implements ChannelState {
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private long total;
    private long skipped;

    @Override
    public void add(float[] values, int from, int to) {
        float lo = min;
        float hi = max;
        long n = 0;
        for (int i = from; i < to; i++) {
            float x = values[i];
            if (!Float.isFinite(x)) {
                skipped++;
                continue;
            }
            n++;
            if (x < lo) {
                lo = x;
            }
            if (x > hi) {
                hi = x;
            }
        }
        min = lo;
        max = hi;
        total += n;
    }

    @Override
    public long total() {
        return total;
    }

    @Override
    public double min() {
        return total == 0 ? 0 : min;
    }

    @Override
    public double max() {
        return total == 0 ? 0 : max;
    }

    @Override
    public long skipped() {
        return skipped;
    }

    @Override
    public String toString() {
        return "RunningMinMax[" + min() + ", " + max() + "; n=" + total + "]";
    }
}
