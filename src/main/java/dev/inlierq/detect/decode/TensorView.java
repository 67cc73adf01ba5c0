package dev.inlierq.detect.decode;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Index arithmetic for one head output read as (sample, channel, location) under a
 * {@link TensorLayout} with {@code anchors} anchors per spatial position.
 */
final class TensorView {
    final String name;
    final float[] data;
    final int batch;
    /** Channels per anchor (K). */
    final int channels;
    /** Locations per sample (A * S). */
    final int locations;
    /** Spatial positions per anchor (S). */
    final int spatial;
    final long[] shape;
    private final boolean channelsFirst;

    private TensorView(String name, FloatTensor t, TensorLayout layout, int anchors) {
        this.name = name;
        this.data = t.data();
        this.shape = t.shape();
        this.channelsFirst = layout == TensorLayout.CHANNELS_FIRST;
        if (shape.length < 3) {
            throw mismatch("needs at least 3 axes for layout " + layout);
        }
        batch = (int) shape[0];
        if (channelsFirst) {
            if (shape[1] % anchors != 0) {
                throw mismatch("axis 1 (" + shape[1] + ") is not a multiple of " + anchors + " anchors");
            }
            channels = (int) (shape[1] / anchors);
            spatial = (int) product(2, shape.length);
            locations = anchors * spatial;
        } else {
            channels = (int) shape[shape.length - 1];
            locations = (int) product(1, shape.length - 1);
            if (locations % anchors != 0) {
                throw mismatch("its " + locations + " locations are not a multiple of " + anchors + " anchors");
            }
            spatial = locations / anchors;
        }
    }

    /** The named output viewed with {@code layout}, or a BAD_SPEC error naming what is missing. */
    static TensorView of(Map<String, FloatTensor> outputs, String name, TensorLayout layout, int anchors) {
        FloatTensor t = outputs.get(name);
        if (t == null) {
            throw new UserError(ExitCode.BAD_SPEC, "the spec reads model output '" + name
                    + "', but the model's outputs are " + outputs.keySet());
        }
        return new TensorView(name, t, layout, anchors);
    }

    private long product(int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }

    /** Flat index of channel {@code k} at location {@code l} of sample {@code n}. */
    int index(int n, int k, int l) {
        if (channelsFirst) {
            int a = l / spatial;
            int s = l - a * spatial;
            return ((n * (locations / spatial) + a) * channels + k) * spatial + s;
        }
        return (n * locations + l) * channels + k;
    }

    /** Step between channel k and k+1 at one location (same anchor). */
    int channelStride() {
        return channelsFirst ? spatial : 1;
    }

    float get(int n, int k, int l) {
        return data[index(n, k, l)];
    }

    /** A BAD_SPEC error about this output's shape. */
    UserError mismatch(String problem) {
        return new UserError(ExitCode.BAD_SPEC, "model output '" + name + "' " + Arrays.toString(shape)
                + " does not match the spec: " + problem);
    }

    void requireChannels(int expected, String what) {
        if (channels != expected) {
            throw mismatch("expected " + expected + " channels per location (" + what + "), got " + channels);
        }
    }

    void requireAtLeastChannels(int expected, String what) {
        if (channels < expected) {
            throw mismatch("expected at least " + expected + " channels per location (" + what + "), got " + channels);
        }
    }

    void requireBatch(int expected) {
        if (batch != expected) {
            throw mismatch("expected batch " + expected + ", got " + batch);
        }
    }

    void requireLocations(int expected, String why) {
        if (locations != expected) {
            throw mismatch("expected " + expected + " locations (" + why + "), got " + locations);
        }
    }
}
