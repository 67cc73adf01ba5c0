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
 * Boxes or scores: runs the float and the quantized model with ONNX Runtime on the labelled images and scores,
 * besides both models, the quantized outputs with the four box values of every location put back to the float
 * model's ("restore boxes") and with everything else put back ("restore scores": the box values alone quantized).
 * Works for any head whose spec names its box values ({@code Head.boxValues}: YOLOX, FastestDet, PicoDet), on
 * outputs with a batch axis.
 *
 * <p>Usage: {@code java -cp target/inlierq.jar bench/tools/BoxOracle.java FLOAT.onnx Q.onnx SPEC IMAGES
 * ANNOTATIONS}. Prints one line per variant, as {@code OutputOracle}.
 */
public class BoxOracle {
    public static void main(String[] args) throws Exception {
        DetectorSpec spec = DetectorSpecs.resolve(args[2]);
        BoxValues v = spec.boxValues();
        CocoDataset gt = CocoDataset.load(Path.of(args[4]));
        Evaluation.MatchedImages m = Evaluation.match(Path.of(args[3]), gt, 0);
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
                add(dets, "restore boxes", decoder.decode(mix(yq, yf, v), batch, ids));
                add(dets, "restore scores", decoder.decode(mix(yf, yq, v), batch, ids));
            }
        }
        CocoEvaluator ev = new CocoEvaluator(gt);
        for (var e : dets.entrySet()) {
            CocoMetrics c = ev.evaluate(e.getValue(), m.ids());
            System.out.printf(Locale.ROOT, "%-14s AP %.4f AP50 %.4f APs %.4f APm %.4f APl %.4f AR100 %.4f%n",
                    e.getKey(), c.precision().ap(), c.precision().ap50(), c.precision().apSmall(),
                    c.precision().apMedium(), c.precision().apLarge(), c.recall().ar100());
        }
    }

    /** {@code base}'s outputs with the box values taken from {@code boxes}. */
    static Map<String, FloatTensor> mix(Map<String, FloatTensor> base, Map<String, FloatTensor> boxes, BoxValues v) {
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

    static void add(Map<String, List<Detection>> dets, String key, List<List<Detection>> d) {
        List<Detection> all = dets.computeIfAbsent(key, x -> new ArrayList<>());
        d.forEach(all::addAll);
    }
}
