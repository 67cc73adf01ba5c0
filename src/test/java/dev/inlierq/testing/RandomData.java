package dev.inlierq.testing;

import dev.inlierq.tensor.FloatTensor;
import java.util.Random;

/** Seeded random weights and inputs for models built by tests. */
public final class RandomData {
    private RandomData() {
    }

    /** n values from N(0, sigma^2). */
    public static float[] gaussian(Random rnd, int n, double sigma) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * sigma);
        }
        return v;
    }

    /** A tensor of the given shape with values uniform in [-1, 1), from {@code seed}. */
    public static FloatTensor uniform(long seed, long... shape) {
        Random rnd = new Random(seed);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] x = new float[(int) n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return new FloatTensor(shape.clone(), x);
    }
}
