package dev.inlierq.api;

import dev.inlierq.calib.CalibrationSet;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.inlier.InlierQ;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.report.SaliencyOverlay;
import dev.inlierq.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Draws the overlays of InlierQ's inlier posterior that {@link SaliencyOutput} asks for: PNG files
 * in its folder (when it has one) and thumbnails for the result.
 */
final class SaliencyOverlays {
    /** Longest side of a thumbnail, in pixels. */
    static final int THUMBNAIL = 224;

    private SaliencyOverlays() {
    }

    /**
     * Writes the overlays of the chosen tensors on the first calibration images ({@code samples}, stacked) and
     * returns their thumbnails.
     */
    static List<Quantization.Overlay> write(SaliencyOutput out, Map<String, InlierQ.Split> splits,
            QuantPlan plan, FloatTensor samples, CalibrationSet calib, DetectorSpec spec) {
        List<String> tensors = tensors(out, splits, plan);
        if (out.dir() != null) {
            try {
                Files.createDirectories(out.dir());
            } catch (IOException e) {
                throw new UserError(ExitCode.OUTPUT_CONFLICT, out.dir() + ": cannot create the folder ("
                        + e.getMessage() + ")");
            }
        }
        List<Quantization.Overlay> thumbnails = new ArrayList<>();
        int images = Math.min(out.images(), calib.files().size());
        for (String t : tensors) {
            InlierQ.Split sp = splits.get(t);
            int h = (int) sp.volumeShape()[1];
            int w = (int) sp.volumeShape()[2];
            for (int i = 0; i < images; i++) {
                float[] p = Arrays.copyOfRange(sp.posterior(), i * h * w, (i + 1) * h * w);
                String stem = calib.files().get(i).getFileName().toString().replaceFirst("\\.[^.]*$", "");
                BufferedImage overlay = SaliencyOverlay.render(samples.sample(i), spec.input(), p, h, w);
                if (out.dir() != null) {
                    Path file = out.dir().resolve(t.replaceAll("[^A-Za-z0-9_.-]", "_") + "_" + stem + ".png");
                    SaliencyOverlay.write(file, overlay);
                }
                thumbnails.add(new Quantization.Overlay(t, calib.files().get(i).getFileName().toString(),
                        SaliencyOverlay.thumbnail(overlay, THUMBNAIL)));
            }
        }
        return thumbnails;
    }

    /**
     * The tensors asked for, each checked to be a split 2-D feature map; none asked for: the first, middle and
     * last quantized activation whose split did not fall back.
     */
    private static List<String> tensors(SaliencyOutput out, Map<String, InlierQ.Split> splits,
            QuantPlan plan) {
        List<String> tensors = new ArrayList<>(out.tensors());
        for (String t : tensors) {
            InlierQ.Split sp = splits.get(t);
            if (sp == null || sp.volumeShape().length != 3) {
                throw new UserError(ExitCode.USAGE, "--saliency-tensors: '" + t + "' is not a quantized 2-D feature map "
                        + "of this model (see the tensors of --json or --dry-run)");
            }
        }
        if (tensors.isEmpty()) {
            List<String> candidates = new ArrayList<>();
            for (QuantPoint p : plan.activations()) {
                InlierQ.Split sp = splits.get(p.tensor());
                if (sp != null && !sp.allInliers() && sp.volumeShape().length == 3) {
                    candidates.add(p.tensor());
                }
            }
            if (!candidates.isEmpty()) {
                for (int i : new int[] {0, candidates.size() / 2, candidates.size() - 1}) {
                    if (!tensors.contains(candidates.get(i))) {
                        tensors.add(candidates.get(i));
                    }
                }
            }
        }
        return tensors;
    }
}
