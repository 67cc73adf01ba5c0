package dev.inlierq.quant;

/** Running minimum and maximum of the finite values seen: two numbers, whatever the amount of data. */
public final class RunningMinMax extends FiniteExtremes {

    @Override
    public void add(float[] values, int from, int to) {
        Batch b = scan(values, from, to, false);
        if (b.min() < min) {
            min = b.min();
        }
        if (b.max() > max) {
            max = b.max();
        }
        total += b.count();
    }

    @Override
    public String toString() {
        return "RunningMinMax[" + min() + ", " + max() + "; n=" + total + "]";
    }
}
