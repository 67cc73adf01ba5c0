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

    /** The calibration images, preprocessed and stacked. */
    static FloatTensor of(DetectorSpec spec, CalibrationSet calib) {
        Preprocessor pre = spec.preprocessor();
        List<PreparedImage> images = new ArrayList<>();
        for (Path p : calib.files()) {
            images.add(pre.prepare(p));
        }
        return Preprocessor.stack(images);
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
