package dev.inlierq.detect.decode;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Index arithmetic for one head output read as (sample, channel, location) under a
 * {@link TensorLayout} with {@code anchors} anchors per spatial position. An output without a batch
 * axis ({@code sampleRows > 0}) holds the samples one after the other along its location axes:
 * {@code [N*L..., K]} channels last, {@code [A*K, N*H, W]} channels first (the images stacked along the
 * first spatial axis); at batch 1 simply the sample's tensor without its batch axis, e.g. {@code [1600, 80]}.
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
    private final boolean batchAxis;

    private TensorView(String name, FloatTensor t, TensorLayout layout, int anchors, int sampleRows) {
        this.name = name;
        this.data = t.data();
        this.shape = t.shape();
        this.channelsFirst = layout == TensorLayout.CHANNELS_FIRST;
        this.batchAxis = sampleRows == 0;
        if (!batchAxis) {
            if (shape.length < 2) {
                throw mismatch("needs at least 2 axes for layout " + layout + " without a batch axis");
            }
            int first = channelsFirst ? 1 : 0;
            if (channelsFirst && shape[0] % anchors != 0) {
                throw mismatch("axis 0 (" + shape[0] + ") is not a multiple of " + anchors + " anchors");
            }
            channels = (int) (channelsFirst ? shape[0] / anchors : shape[shape.length - 1]);
            locations = sampleRows;
            spatial = sampleRows / anchors;
            long total = product(first, channelsFirst ? shape.length : shape.length - 1) * (channelsFirst ? anchors : 1);
            if (total % sampleRows != 0 || total == 0) {
                throw mismatch("without a batch axis it holds " + total + " locations, not a multiple of the "
                        + sampleRows + " locations of one image");
            }
            batch = (int) (total / sampleRows);
            return;
        }
        if (shape.length < 3) {
            throw mismatch("needs at least 3 axes for layout " + layout
                    + " (an output without a batch axis needs batchAxis: false)");
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
        return of(outputs, name, layout, anchors, 0);
    }

    /**
     * The named output viewed with {@code layout}; {@code sampleRows} is 0 when axis 0 is the batch,
     * else the locations of one sample in an output without a batch axis.
     */
    static TensorView of(Map<String, FloatTensor> outputs, String name, TensorLayout layout, int anchors,
            int sampleRows) {
        FloatTensor t = outputs.get(name);
        if (t == null) {
            throw new UserError(ExitCode.BAD_SPEC, "the spec reads model output '" + name
                    + "', but the model's outputs are " + outputs.keySet());
        }
        return new TensorView(name, t, layout, anchors, sampleRows);
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
            int anchors = locations / spatial;
            return batchAxis ? ((n * anchors + a) * channels + k) * spatial + s
                    : ((a * channels + k) * batch + n) * spatial + s;
        }
        return (n * locations + l) * channels + k;
    }

    /** Step between channel k and k+1 at one location (same anchor). */
    int channelStride() {
        return channelsFirst ? (batchAxis ? spatial : batch * spatial) : 1;
    }

    /** The width of the grid of a spatial output: its last spatial axis. */
    int gridWidth() {
        return (int) shape[channelsFirst ? shape.length - 1 : shape.length - 2];
    }

    /** The axes of one sample: the rank, less the batch axis when there is one. */
    int sampleRank() {
        return batchAxis ? shape.length - 1 : shape.length;
    }

    float get(int n, int k, int l) {
        return data[index(n, k, l)];
    }

    /** A BAD_SPEC error about this output's shape. */
    UserError mismatch(String problem) {
        return new UserError(ExitCode.BAD_SPEC, "model output '" + name + "' " + Arrays.toString(shape)
                + " does not match the spec: " + problem);
    }

    /** One BAD_SPEC error joining every problem found, if any (per-output checks of a multi-output head). */
    static void throwAll(java.util.List<UserError> problems) {
        if (!problems.isEmpty()) {
            throw new UserError(ExitCode.BAD_SPEC, String.join("; ", problems.stream().map(UserError::getMessage)
                    .toList()));
        }
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
