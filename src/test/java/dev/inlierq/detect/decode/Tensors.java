package dev.inlierq.detect.decode;

import dev.inlierq.detect.InputTransform;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.tensor.FloatTensor;
import java.util.Arrays;

/** Small builders for synthetic head outputs. */
final class Tensors {
    private Tensors() {
    }

    static FloatTensor filled(float value, long... shape) {
        float[] data = new float[(int) FloatTensor.numel(shape)];
        Arrays.fill(data, value);
        return new FloatTensor(shape, data);
    }

    static int index(FloatTensor t, int... idx) {
        long[] shape = t.shape();
        int flat = 0;
        for (int i = 0; i < shape.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(Arrays.toString(idx) + " in " + Arrays.toString(shape));
            }
            flat = flat * (int) shape[i] + idx[i];
        }
        return flat;
    }

    static void set(FloatTensor t, double value, int... idx) {
        t.data()[index(t, idx)] = (float) value;
    }

    static float get(FloatTensor t, int... idx) {
        return t.data()[index(t, idx)];
    }

    static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** A prepared image of the given input size whose pixels do not matter to decoding. */
    static PreparedImage prepared(int inW, int inH, int origW, int origH, InputTransform t) {
        return new PreparedImage(filled(0, 1, 3, inH, inW), origW, origH, t);
    }

    static PreparedImage identity(int w, int h) {
        return prepared(w, h, w, h, new InputTransform(1, 1, 0, 0));
    }
}
