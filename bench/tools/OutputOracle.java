import dev.inlierq.api.EngineKind;
import dev.inlierq.api.Evaluation;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.decode.BoxValues;
import dev.inlierq.detect.decode.Decoder;
import dev.inlierq.detect.decode.TensorLayout;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.CocoEvaluator;
import dev.inlierq.eval.CocoMetrics;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.tensor.ModelRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which part of a quantized detector's output costs its AP: runs the float and the quantized model with ONNX
 * Runtime on the labelled images and scores, besides both models, hybrids of their outputs. For a single output
 * laid out {@code [N, positions, channels]} (YOLOX's {@code [1, 3549, 85]}), named channel groups (box, objectness,
 * classes) and position groups (the pyramid levels) are each put back to the float model's values ("restore": all
 * else quantized) and each kept quantized alone ("alone": all else float). The AP a restored part recovers is
 * the AP that part's error costs, given the rest; the AP a part alone loses is its cost on an otherwise exact output.
 *
 * <p>Usage: {@code java -cp target/inlierq.jar bench/tools/OutputOracle.java FLOAT.onnx Q.onnx SPEC IMAGES
 * ANNOTATIONS CHANNEL_GROUPS POSITION_GROUPS}, groups as {@code name:from-to,...} (inclusive), e.g.
 * {@code box:0-3,obj:4-4,cls:5-84 s8:0-2703,s16:2704-3379,s32:3380-3548}. Prints one line per variant. Without
 * the two group arguments, boxes or scores of any model whose spec names its box values ({@link #boxes}).
 */
public class OutputOracle {
    record Part(String name, boolean channels, int from, int to) {
    }

    public static void main(String[] args) throws Exception {
        DetectorSpec spec = DetectorSpecs.resolve(args[2]);
        CocoDataset gt = CocoDataset.load(Path.of(args[4]));
        Evaluation.MatchedImages m = Evaluation.match(Path.of(args[3]), gt, 0);
        Map<String, List<Detection>> dets = args.length == 5 ? boxes(args, spec, m) : parts(args, spec, m);
        CocoEvaluator ev = new CocoEvaluator(gt);
        // label free, boxes-or-scores mode only: the same variants scored against the float model's detections
        CocoEvaluator pseudo = args.length == 5 ? new CocoEvaluator(pseudoLabels(dets.get("float"), gt)) : null;
        for (var e : dets.entrySet()) {
            print(e.getKey(), ev.evaluate(e.getValue(), m.ids()));
        }
        if (pseudo != null) {
            for (var e : dets.entrySet()) {
                if (!e.getKey().equals("float")) {
                    print("pseudo " + e.getKey(), pseudo.evaluate(e.getValue(), m.ids()));
                }
            }
        }
    }

    static void print(String key, CocoMetrics c) {
        System.out.printf(Locale.ROOT, "%-14s AP %.4f AP50 %.4f APs %.4f APm %.4f APl %.4f AR100 %.4f%n",
                key, c.precision().ap(), c.precision().ap50(), c.precision().apSmall(),
                c.precision().apMedium(), c.precision().apLarge(), c.recall().ar100());
    }

    /** The float model's detections scoring 0.3 or more (the detections measure's threshold) as ground truth. */
    static CocoDataset pseudoLabels(List<Detection> floatDets, CocoDataset gt) {
        return CocoDataset.ofDetections(gt.images(), gt.categories(), floatDets, 0.3);
    }

    /** The channel and position groups' variants (seven arguments). */
    static Map<String, List<Detection>> parts(String[] args, DetectorSpec spec, Evaluation.MatchedImages m)
            throws Exception {
        Path floatModel = Path.of(args[0]);
        Path quantModel = Path.of(args[1]);
        List<Part> parts = new ArrayList<>();
        parts.addAll(parse(args[5], true));
        parts.addAll(parse(args[6], false));
        Map<String, List<Detection>> dets = new LinkedHashMap<>();
        List<FloatTensor> fs = new ArrayList<>();
        List<FloatTensor> qs = new ArrayList<>();
        List<PreparedImage> images = new ArrayList<>();
        Preprocessor pre = spec.preprocessor();
        Decoder decoder = spec.decoder();
        try (ModelRunner f = EngineKind.ORT.open(floatModel, 2); ModelRunner q = EngineKind.ORT.open(quantModel, 2)) {
            String out = f.outputNames().get(0);
            for (int i = 0; i < m.files().size(); i++) {
                List<PreparedImage> batch = List.of(pre.prepare(m.files().get(i)));
                images.add(batch.get(0));
                FloatTensor x = Preprocessor.stack(batch);
                FloatTensor yf = f.run(x).get(out);
                FloatTensor yq = q.run(x).get(out);
                List<Long> ids = m.ids().subList(i, i + 1);
                fs.add(yf);
                qs.add(yq);
                add(dets, "float", decoder.decode(Map.of(out, yf), batch, ids));
                add(dets, "quantized", decoder.decode(Map.of(out, yq), batch, ids));
                for (Part p : parts) {
                    add(dets, "restore " + p.name(), decoder.decode(Map.of(out, mix(yq, yf, p)), batch, ids));
                    add(dets, "alone " + p.name(), decoder.decode(Map.of(out, mix(yf, yq, p)), batch, ids));
                }
                for (Part c : parts) {
                    for (Part r : parts) {
                        if (c.channels() && !r.channels()) {
                            FloatTensor y = mix(yq, mix(yq, yf, r), c);
                            add(dets, "restore " + r.name() + " " + c.name(), decoder.decode(Map.of(out, y), batch,
                                    ids));
                        }
                    }
                }
            }
            shifted(dets, fs, qs, parts, images, decoder, m, out, 0.1f);
            shifted(dets, fs, qs, parts, images, decoder, m, out, 0f);
        }
        return dets;
    }

    /**
     * The quantized scores shifted in logit space, per position group and score channel, by the mean float-minus-
     * quantized logit over the positions where the float objectness exceeds {@code minObj} (0: every position):
     * what a bias correction of the last layers could recover at best (fitted on the evaluated images).
     */
    static void shifted(Map<String, List<Detection>> dets, List<FloatTensor> fs, List<FloatTensor> qs,
            List<Part> parts, List<PreparedImage> images, Decoder decoder, Evaluation.MatchedImages m, String out,
            float minObj) {
        int channels = (int) fs.get(0).shape()[2];
        List<Part> levels = parts.stream().filter(p -> !p.channels()).toList();
        double[][] sum = new double[levels.size()][channels];
        long[] count = new long[levels.size()];
        for (int i = 0; i < fs.size(); i++) {
            float[] f = fs.get(i).data();
            float[] q = qs.get(i).data();
            for (int l = 0; l < levels.size(); l++) {
                for (int r = levels.get(l).from(); r <= levels.get(l).to(); r++) {
                    if (f[r * channels + 4] < minObj) {
                        continue;
                    }
                    count[l]++;
                    for (int c = 4; c < channels; c++) {
                        sum[l][c] += logit(f[r * channels + c]) - logit(q[r * channels + c]);
                    }
                }
            }
        }
        String key = "shift obj>" + minObj;
        for (int i = 0; i < fs.size(); i++) {
            float[] y = qs.get(i).data().clone();
            for (int l = 0; l < levels.size(); l++) {
                for (int r = levels.get(l).from(); r <= levels.get(l).to(); r++) {
                    for (int c = 4; c < channels; c++) {
                        double d = count[l] == 0 ? 0 : sum[l][c] / count[l];
                        y[r * channels + c] = (float) (1 / (1 + Math.exp(-(logit(y[r * channels + c]) + d))));
                    }
                }
            }
            List<PreparedImage> batch = List.of(images.get(i));
            add(dets, key, decoder.decode(Map.of(out, new FloatTensor(qs.get(i).shape(), y)), batch,
                    m.ids().subList(i, i + 1)));
        }
        for (int l = 0; l < levels.size(); l++) {
            System.out.printf(Locale.ROOT, "%s %s: %d positions, objectness shift %.3f%n", key, levels.get(l).name(),
                    count[l], count[l] == 0 ? 0 : sum[l][4] / count[l]);
        }
    }

    static double logit(float p) {
        double c = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
        return Math.log(c / (1 - c));
    }

    /**
     * Boxes or scores (five arguments): the quantized outputs with the four box values of every location put back
     * to the float model's ("restore boxes") and with everything else put back ("restore scores": the box values
     * alone quantized), for any head whose spec names its box values ({@code Head.boxValues}), batch axis first.
     */
    static Map<String, List<Detection>> boxes(String[] args, DetectorSpec spec, Evaluation.MatchedImages m)
            throws Exception {
        BoxValues v = spec.boxValues();
        Map<String, List<Detection>> dets = new LinkedHashMap<>();
        Preprocessor pre = spec.preprocessor();
        Decoder decoder = spec.decoder();
        try (ModelRunner f = EngineKind.ORT.open(Path.of(args[0]), 2);
                ModelRunner q = EngineKind.ORT.open(Path.of(args[1]), 2)) {
            for (int i = 0; i < m.files().size(); i++) {
                List<PreparedImage> batch = List.of(pre.prepare(m.files().get(i)));
                FloatTensor x = Preprocessor.stack(batch);
                Map<String, FloatTensor> yf = f.run(x);
                Map<String, FloatTensor> yq = q.run(x);
                List<Long> ids = m.ids().subList(i, i + 1);
                add(dets, "float", decoder.decode(yf, batch, ids));
                add(dets, "quantized", decoder.decode(yq, batch, ids));
                add(dets, "restore boxes", decoder.decode(mixBoxes(yq, yf, v), batch, ids));
                add(dets, "restore scores", decoder.decode(mixBoxes(yf, yq, v), batch, ids));
            }
        }
        return dets;
    }

    /** {@code base}'s outputs with the box values taken from {@code boxes}. */
    static Map<String, FloatTensor> mixBoxes(Map<String, FloatTensor> base, Map<String, FloatTensor> boxes, BoxValues v) {
        Map<String, FloatTensor> out = new HashMap<>(base);
        FloatTensor b = base.get(v.output());
        float[] d = b.data().clone();
        float[] o = boxes.get(v.output()).data();
        long[] s = b.shape();
        int n = (int) s[0];
        boolean last = v.layout() == TensorLayout.CHANNELS_LAST;
        int k = (int) (last ? s[s.length - 1] : s[1]);
        int locations = (int) (d.length / n / k);
        for (int img = 0; img < n; img++) {
            for (int l = 0; l < locations; l++) {
                for (int j = v.firstChannel(); j < v.firstChannel() + BoxValues.VALUES; j++) {
                    int i = last ? (img * locations + l) * k + j : (img * k + j) * locations + l;
                    d[i] = o[i];
                }
            }
        }
        out.put(v.output(), new FloatTensor(s, d));
        return out;
    }

    /** {@code base} with the part's values taken from {@code other}. */
    static FloatTensor mix(FloatTensor base, FloatTensor other, Part p) {
        long[] s = base.shape();
        int positions = (int) s[1];
        int channels = (int) s[2];
        float[] y = base.data().clone();
        float[] o = other.data();
        for (int r = 0; r < positions; r++) {
            for (int c = 0; c < channels; c++) {
                int k = p.channels() ? c : r;
                if (k >= p.from() && k <= p.to()) {
                    y[r * channels + c] = o[r * channels + c];
                }
            }
        }
        return new FloatTensor(s, y);
    }

    static void add(Map<String, List<Detection>> dets, String key, List<List<Detection>> d) {
        List<Detection> all = dets.computeIfAbsent(key, k -> new ArrayList<>());
        d.forEach(all::addAll);
    }

    static List<Part> parse(String groups, boolean channels) {
        List<Part> out = new ArrayList<>();
        for (String g : groups.split(",")) {
            String[] nv = g.split(":");
            String[] ft = nv[1].split("-");
            out.add(new Part(nv[0], channels, Integer.parseInt(ft[0]), Integer.parseInt(ft[1])));
        }
        return out;
    }
}
