package dev.inlierq.detect.decode;

import static dev.inlierq.detect.InvalidSpecException.check;

import dev.inlierq.detect.Box3d;
import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CenterNet-style heatmap heads (family {@code centernet}): a class heatmap [N, C, H, W], box sizes
 * [N, 2, H, W] and optional sub-cell centre offsets [N, 2, H, W], all at one stride s, sizes and
 * offsets in output cells. A candidate is a peak: a heatmap value equal to the maximum of its 3x3
 * neighbourhood (CenterNet's max-pool NMS; plateaus keep every tied cell). At cell (col, row):
 * <pre>
 *   score[c] = p(hm[c])                          p = identity if decoded, else sigmoid
 *   cx = (col + off0) * s      cy = (row + off1) * s        (off = 0 without an offset output)
 *   w  = wh0 * s               h  = wh1 * s
 *   yaw = atan2(yaw0, yaw1)                                    (only with a yaw output)
 *   length = exp(dim0)   width = exp(dim1)   height = exp(dim2)   (only with a dim output)
 *   z = z0                                                       (only with a z output)
 * </pre>
 * CenterNet keeps the top 100 peaks without further NMS: set {@code postprocess.preNmsTopK: 100} and
 * {@code postprocess.nms: NONE} for that behaviour.
 *
 * <p>An optional heading output [N, 2, H, W] ({@code yaw}) holds {@code (sin, cos)} of each cell's heading, as
 * CenterPoint regresses it (Yin, Zhou and Krähenbühl, "Center-based 3D Object Detection and Tracking", CVPR 2021):
 * {@code yaw = atan2(sin, cos)} (the pair need not be normalised), in radians counter-clockwise from the input's +x
 * axis with +y up, so in input pixels the heading points along {@code (cos yaw, -sin yaw)}; the decoder maps it
 * to the original image ({@link dev.inlierq.detect.InputTransform#toOriginalYaw}) into
 * {@link dev.inlierq.detect.Detection#yaw()}. Without it detections carry no heading (NaN).
 *
 * <p>Optional 3D outputs, CenterPoint's {@code dim} and {@code height} regressions: {@code dim} [N, 3, H, W] holds
 * {@code (ln length, ln width, ln height)} of each cell's box, the footprint's length (along the heading) and width
 * (across it) in network-input pixels and the height in metres; {@code z} [N, 1, H, W] the height of the box centre
 * above the ground in metres. The decoder puts them into the detection's {@link dev.inlierq.detect.Box3d}, the
 * footprint mapped to the original image along the heading ({@link dev.inlierq.detect.InputTransform#toOriginal});
 * a part without its output is NaN, and without either output the detection has no 3D part (null). A {@code dim}
 * output needs a {@code yaw} output: length and width are measured along and across the heading.
 *
 * @param heatmap heatmap output name; required
 * @param size box size output name; required
 * @param offset offset output name, or null when the model has none
 * @param stride output stride in input pixels; default 4
 * @param decoded the heatmap is already sigmoid; default false
 * @param yaw heading output name ((sin, cos) per cell), or null when the model has none
 * @param dim 3D size output name ((ln length, ln width, ln height) per cell), or null when the model has none
 * @param z centre height output name (metres per cell), or null when the model has none
 */
public record CenterNetHead(String heatmap, String size, String offset, int stride, boolean decoded, String yaw,
        String dim, String z) implements Head {

    public CenterNetHead {
        check(heatmap != null && !heatmap.isBlank(), "heatmap", "must name a model output");
        check(size != null && !size.isBlank(), "size", "must name a model output");
        check(offset == null || !offset.isBlank(), "offset", "must name a model output or be left out");
        check(stride >= 1, "stride", "must be a positive integer, got " + stride);
        check(yaw == null || !yaw.isBlank(), "yaw", "must name a model output or be left out");
        check(dim == null || !dim.isBlank(), "dim", "must name a model output or be left out");
        check(z == null || !z.isBlank(), "z", "must name a model output or be left out");
        check(dim == null || yaw != null, "dim", "needs a yaw output (length and width are along and across the "
                + "heading)");
    }

    /** A head without a heading output nor 3D outputs. */
    public CenterNetHead(String heatmap, String size, String offset, int stride, boolean decoded) {
        this(heatmap, size, offset, stride, decoded, null, null, null);
    }

    /** A head without 3D outputs. */
    public CenterNetHead(String heatmap, String size, String offset, int stride, boolean decoded, String yaw) {
        this(heatmap, size, offset, stride, decoded, yaw, null, null);
    }

    @Override
    public HeatmapRecipe heatmap(int numClasses, int inputWidth, int inputHeight) {
        return new HeatmapRecipe(numClasses, List.of(Part.of(heatmap, TensorLayout.CHANNELS_FIRST,
                Term.of(0, numClasses, Activations.of(decoded, Activation.SIGMOID)))));
    }

    private TensorView heatmapView(Map<String, FloatTensor> outputs) {
        TensorView v = TensorView.of(outputs, heatmap, TensorLayout.CHANNELS_FIRST, 1);
        if (v.shape.length != 4) {
            throw v.mismatch("expected [N, C, H, W]");
        }
        return v;
    }

    /** Keeps a score only where it equals the maximum of its 3x3 neighbourhood (borders: existing cells). */
    @Override
    public void maskNonCandidates(float[] scores, int batch, int numClasses, int locations,
            Map<String, FloatTensor> outputs) {
        TensorView hm = heatmapView(outputs);
        int w = (int) hm.shape[3];
        int h = (int) hm.shape[2];
        float[] plane = new float[w * h];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < numClasses; c++) {
                int base = (n * numClasses + c) * locations;
                System.arraycopy(scores, base, plane, 0, plane.length);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        if (!isPeak(plane, w, h, x, y)) {
                            scores[base + y * w + x] = Float.NEGATIVE_INFINITY;
                        }
                    }
                }
            }
        }
    }

    private static boolean isPeak(float[] plane, int w, int h, int x, int y) {
        float v = plane[y * w + x];
        for (int yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
            for (int xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
                if (plane[yy * w + xx] > v) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public LocationBoxes boxes(Map<String, FloatTensor> outputs, int numClasses, int inputWidth, int inputHeight) {
        TensorView hm = heatmapView(outputs);
        int w = (int) hm.shape[3];
        TensorView wh = cellView(outputs, size, hm, 2, "x and y values");
        TensorView off = offset == null ? null : cellView(outputs, offset, hm, 2, "x and y values");
        TensorView heading = yaw == null ? null : cellView(outputs, yaw, hm, 2, "sin and cos");
        TensorView dims = dim == null ? null : cellView(outputs, dim, hm, 3, "ln length, ln width, ln height");
        TensorView height = z == null ? null : cellView(outputs, z, hm, 1, "centre height");
        return new LocationBoxes(hm.locations, (n, l, b) -> {
            double ox = off == null ? 0 : off.get(n, 0, l);
            double oy = off == null ? 0 : off.get(n, 1, l);
            LocationBoxes.centerSize(b, (l % w + ox) * stride, (l / w + oy) * stride,
                    wh.get(n, 0, l) * stride, wh.get(n, 1, l) * stride);
        }, heading == null ? null : (n, l) -> Math.atan2(heading.get(n, 0, l), heading.get(n, 1, l)),
                dims == null && height == null ? null : (n, l) -> new Box3d(
                        dims == null ? Double.NaN : Math.exp(dims.get(n, 0, l)),
                        dims == null ? Double.NaN : Math.exp(dims.get(n, 1, l)),
                        height == null ? Double.NaN : height.get(n, 0, l),
                        dims == null ? Double.NaN : Math.exp(dims.get(n, 2, l))));
    }

    /** The output {@code name}, checked to be [N, channels, H, W] with the heatmap's H and W. */
    private static TensorView cellView(Map<String, FloatTensor> outputs, String name, TensorView hm, int channels,
            String what) {
        TensorView v = TensorView.of(outputs, name, TensorLayout.CHANNELS_FIRST, 1);
        v.requireChannels(channels, what);
        if (v.shape.length != 4 || v.shape[2] != hm.shape[2] || v.shape[3] != hm.shape[3]) {
            throw v.mismatch("expected [N, " + channels + ", " + hm.shape[2] + ", " + hm.shape[3]
                    + "] like the heatmap");
        }
        return v;
    }

    @Override
    public List<String> outputNames() {
        List<String> names = new ArrayList<>(List.of(heatmap, size));
        if (offset != null) {
            names.add(offset);
        }
        for (String extra : new String[] {yaw, dim, z}) {
            if (extra != null) {
                names.add(extra);
            }
        }
        return List.copyOf(names);
    }
}
