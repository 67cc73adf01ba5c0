package dev.inlierq.api;

import dev.inlierq.calib.CalibrationSet;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The calibration images as tensors: all of them stacked, and in consecutive batches. */
final class Samples {
    private Samples() {
    }

    /**
     * The calibration images, preprocessed and stacked. With the experiment switch {@code -Dinlierq.calib.flip=true}
     * each is followed by its mirror image ({@link #withMirrors}): GPTQ's Hessians and reconstruction then see 2N
     * samples (activation ranges and the checks still read the N files). Measured at stop 38 against the overfitting
     * of the 4-bit rounding to 64 images: YOLOX-Nano W4A8 default recipe, seed 0, 26.07 AP against 26.45 without
     * (docs/experiments.md), so it stays off. With {@code --holdout} a held-out image's mirror may be trained on.
     */
    static FloatTensor of(DetectorSpec spec, CalibrationSet calib) {
        Preprocessor pre = spec.preprocessor();
        List<PreparedImage> images = new ArrayList<>();
        for (Path p : calib.files()) {
            images.add(pre.prepare(p));
        }
        FloatTensor all = Preprocessor.stack(images);
        return Boolean.getBoolean("inlierq.calib.flip") ? withMirrors(all) : all;
    }

    /** {@code all} (N, C, H, W) followed by each image mirrored left to right: 2N samples. */
    static FloatTensor withMirrors(FloatTensor all) {
        long[] shape = all.shape();
        int w = (int) shape[3];
        float[] src = all.data();
        float[] out = Arrays.copyOf(src, 2 * src.length);
        for (int row = 0; row < src.length / w; row++) {
            int from = row * w;
            int to = src.length + from;
            for (int x = 0; x < w; x++) {
                out[to + x] = src[from + w - 1 - x];
            }
        }
        long[] sh = shape.clone();
        sh[0] = 2 * shape[0];
        return new FloatTensor(sh, out);
    }

    /** Consecutive batches of a stacked tensor along axis 0. */
    static List<FloatTensor> batches(FloatTensor all, int batch) {
        long[] shape = all.shape();
        int n = (int) shape[0];
        int per = all.data().length / Math.max(1, n);
        List<FloatTensor> out = new ArrayList<>();
        for (int s = 0; s < n; s += batch) {
            int e = Math.min(n, s + batch);
            long[] sh = shape.clone();
            sh[0] = e - s;
            out.add(new FloatTensor(sh, Arrays.copyOfRange(all.data(), s * per, e * per)));
        }
        return out;
    }
}
