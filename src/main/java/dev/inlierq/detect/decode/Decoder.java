package dev.inlierq.detect.decode;

import dev.inlierq.detect.ClassMap;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.InputTransform;
import dev.inlierq.detect.PostprocessSpec;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns raw model outputs into COCO detections: a {@link Head} family, the common
 * {@link PostprocessSpec} and the {@link ClassMap}. Per image:
 * <ol>
 *   <li>scores: H[n, c, l] from the head's {@link HeatmapRecipe} (then the head's candidate mask);</li>
 *   <li>candidates: every (l, c) with {@code H >= scoreThreshold} (only each location's best class
 *       unless {@code multiLabel}), ordered by descending score, ties by location then class;</li>
 *   <li>the first {@code preNmsTopK} (when positive); their boxes from the head, in input pixels;</li>
 *   <li>greedy NMS ({@link Nms#greedy}), stopping at {@code maxDetections};</li>
 *   <li>each box mapped back with the image's {@link InputTransform}, clipped to
 *       {@code [0, width] x [0, height]}, written as COCO x, y, w, h with the class map's id; a head with
 *       headings ({@link LocationBoxes#heading()}) gives each detection its heading, mapped back likewise
 *       ({@link InputTransform#toOriginalYaw}); else the yaw is NaN. A head with 3D parts
 *       ({@link LocationBoxes#solid()}) gives each its {@link dev.inlierq.detect.Box3d}, the footprint mapped back
 *       along the heading ({@link InputTransform#toOriginal}); else it is null.</li>
 * </ol>
 * Stateless and thread-safe.
 */
public record Decoder(Head head, PostprocessSpec postprocess, ClassMap classes) {

    public Decoder {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(postprocess, "postprocess");
        Objects.requireNonNull(classes, "classes");
    }

    /** The recipe for this decoder's score heatmap H[N, C, L] on an {@code inputWidth x inputHeight} input. */
    public HeatmapRecipe heatmapRecipe(int inputWidth, int inputHeight) {
        return head.heatmap(classes.size(), inputWidth, inputHeight);
    }

    /** Where the head's box values are for the task loss's box term ({@link Head#boxValues}; null: nowhere). */
    public BoxValues boxValues(int inputWidth, int inputHeight) {
        return head.boxValues(inputWidth, inputHeight);
    }

    /**
     * Checks the {@code decoded} flag against the range of the score channels of real outputs (one batch
     * of real images): probabilities must lie in [0, 1], logits must not all lie there.
     *
     * @throws UserError BAD_SPEC naming the output, its channels, their range and the fix
     */
    public void checkScoreRange(Map<String, FloatTensor> outputs, int inputWidth, int inputHeight) {
        List<String> problems = ActivationCheck.problems(heatmapRecipe(inputWidth, inputHeight), outputs);
        if (!problems.isEmpty()) {
            throw new UserError(ExitCode.BAD_SPEC, String.join("; ", problems));
        }
    }

    /**
     * What is wrong with model outputs of these static shapes (batch 1) for this decoder on an
     * {@code inputWidth x inputHeight} input: outputs the head reads that are missing, shapes it cannot
     * decode. Empty when they fit, or when a shape is not statically known (then decoding checks it).
     */
    public List<String> outputProblems(Map<String, long[]> shapes, int inputWidth, int inputHeight) {
        return OutputCheck.problems(this, shapes, inputWidth, inputHeight);
    }

    /**
     * Detections of a batch.
     *
     * @param outputs the model's outputs by name, batch axis first
     * @param batch the prepared images, in batch order (all of one input size)
     * @param imageIds the id written into each image's detections, in batch order
     * @return per image, detections in descending score order
     * @throws UserError BAD_SPEC when the outputs do not fit the spec
     */
    public List<List<Detection>> decode(Map<String, FloatTensor> outputs, List<PreparedImage> batch,
            List<Long> imageIds) {
        if (batch.size() != imageIds.size()) {
            throw new IllegalArgumentException(batch.size() + " images but " + imageIds.size() + " image ids");
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        int inW = batch.get(0).inputWidth();
        int inH = batch.get(0).inputHeight();
        for (PreparedImage p : batch) {
            if (p.inputWidth() != inW || p.inputHeight() != inH) {
                throw new IllegalArgumentException("images of one batch must share the input size");
            }
        }
        int c = classes.size();
        HeatmapRecipe.Evaluated h = heatmapRecipe(inW, inH).evaluateArray(outputs);
        if (h.batch() != batch.size()) {
            throw new IllegalArgumentException(
                    "outputs hold " + h.batch() + " samples for " + batch.size() + " images");
        }
        head.maskNonCandidates(h.values(), h.batch(), c, h.locations(), outputs);
        LocationBoxes boxes = head.boxes(outputs, c, inW, inH);
        if (boxes.locations() != h.locations()) {
            throw new UserError(ExitCode.BAD_SPEC, "the score outputs " + head.outputNames() + " give "
                    + h.locations() + " locations but the box outputs give " + boxes.locations());
        }
        List<List<Detection>> result = new ArrayList<>(batch.size());
        for (int n = 0; n < batch.size(); n++) {
            result.add(decodeImage(h.values(), n, h.locations(), boxes, batch.get(n), imageIds.get(n)));
        }
        return result;
    }

    private List<Detection> decodeImage(float[] scores, int n, int locations, LocationBoxes boxes,
            PreparedImage image, long imageId) {
        Candidates cand = select(scores, n, locations);
        int[] order = Nms.sortByScore(cand.score, cand.count);
        int k = postprocess.preNmsTopK() > 0 ? Math.min(order.length, postprocess.preNmsTopK()) : order.length;
        double[] xyxy = new double[4 * k];
        int[] cls = new int[k];
        double[] one = new double[4];
        for (int i = 0; i < k; i++) {
            boxes.box(n, cand.location[order[i]], one);
            System.arraycopy(one, 0, xyxy, 4 * i, 4);
            cls[i] = cand.cls[order[i]];
        }
        int[] kept = Nms.greedy(xyxy, cls, k, postprocess.nms(), postprocess.iouThreshold(),
                postprocess.maxDetections());
        InputTransform t = image.transform();
        double w = image.originalWidth();
        double h = image.originalHeight();
        List<Detection> out = new ArrayList<>(kept.length);
        for (int i : kept) {
            double x1 = clip(t.toOriginalX(xyxy[4 * i]), w);
            double y1 = clip(t.toOriginalY(xyxy[4 * i + 1]), h);
            double x2 = clip(t.toOriginalX(xyxy[4 * i + 2]), w);
            double y2 = clip(t.toOriginalY(xyxy[4 * i + 3]), h);
            int location = cand.location[order[i]];
            double yawIn = boxes.yaw(n, location);
            out.add(new Detection(imageId, classes.categoryId(cls[i]), x1, y1, Math.max(0, x2 - x1),
                    Math.max(0, y2 - y1), cand.score[order[i]], t.toOriginalYaw(yawIn),
                    t.toOriginal(boxes.box3d(n, location), yawIn)));
        }
        return out;
    }

    private static double clip(double v, double max) {
        return Math.max(0, Math.min(max, v));
    }

    /** Candidate (location, class, score) triples of one image, in location-then-class order. */
    private Candidates select(float[] scores, int n, int locations) {
        int c = classes.size();
        double threshold = postprocess.scoreThreshold();
        int base = n * c * locations;
        Candidates cand = new Candidates();
        for (int l = 0; l < locations; l++) {
            if (postprocess.multiLabel()) {
                for (int k = 0; k < c; k++) {
                    float s = scores[base + k * locations + l];
                    if (s >= threshold) {
                        cand.add(l, k, s);
                    }
                }
            } else {
                int best = 0;
                float bestScore = scores[base + l];
                for (int k = 1; k < c; k++) {
                    float s = scores[base + k * locations + l];
                    if (s > bestScore) {
                        best = k;
                        bestScore = s;
                    }
                }
                if (bestScore >= threshold) {
                    cand.add(l, best, bestScore);
                }
            }
        }
        return cand;
    }

    /** A growable struct of arrays. */
    private static final class Candidates {
        int count;
        int[] location = new int[256];
        int[] cls = new int[256];
        float[] score = new float[256];

        void add(int l, int c, float s) {
            if (count == score.length) {
                location = Arrays.copyOf(location, count * 2);
                cls = Arrays.copyOf(cls, count * 2);
                score = Arrays.copyOf(score, count * 2);
            }
            location[count] = l;
            cls[count] = c;
            score[count] = s;
            count++;
        }
    }
}
