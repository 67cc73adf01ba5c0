package dev.inlierq.detect.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.Shared;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Head#boxValues} on the real outputs of the three shared detectors: the four channels it names are the
 * ones the head decodes its boxes from (moving them moves every location's box and no score), and no other
 * channel moves a box, so the task loss's box term reads what the evaluation counts.
 */
class BoxValuesTest {
    @ParameterizedTest
    @ValueSource(strings = {"yolox", "picodet", "fastestdet"})
    void theNamedChannelsAreTheBoxesTheHeadDecodes(String model) {
        DetectorSpec spec = DetectorSpecs.builtIn(model);
        Head head = spec.decoder().head();
        int w = spec.input().width();
        int h = spec.input().height();
        BoxValues v = head.boxValues(w, h);
        assertNotNull(v, model);
        Map<String, FloatTensor> outputs = outputs(model);
        HeatmapRecipe recipe = spec.heatmapRecipe();
        int classes = recipe.numClasses();
        float[] scores = recipe.evaluate(outputs).data();
        double[][] boxes = boxes(head, outputs, classes, w, h);
        assertEquals(boxes.length, scores.length / classes, "one box per heatmap location");

        Map<String, FloatTensor> moved = shifted(outputs, v, true);
        assertArrayEquals(scores, recipe.evaluate(moved).data(), "moving the box values moves no score");
        double[][] after = boxes(head, moved, classes, w, h);
        for (int l = 0; l < boxes.length; l++) {
            assertNotEquals(java.util.Arrays.toString(boxes[l]), java.util.Arrays.toString(after[l]),
                    model + ": location " + l + "'s box did not move");
        }
        double[][] others = boxes(head, shifted(outputs, v, false), classes, w, h);
        for (int l = 0; l < boxes.length; l++) {
            assertArrayEquals(boxes[l], others[l], 0.0, model + ": another channel moved location " + l + "'s box");
        }
    }

    /** The outputs with 0.25 added to the four box channels ({@code box}) or to every other channel. */
    private static Map<String, FloatTensor> shifted(Map<String, FloatTensor> outputs, BoxValues v, boolean box) {
        Map<String, FloatTensor> copy = new HashMap<>();
        outputs.forEach((k, t) -> copy.put(k, new FloatTensor(t.shape(), t.data().clone())));
        FloatTensor t = copy.get(v.output());
        TensorView view = TensorView.of(copy, v.output(), v.layout(), 1, v.sampleRows());
        boolean[] isBox = new boolean[t.data().length];
        for (int n = 0; n < view.batch; n++) {
            for (int l = 0; l < view.locations; l++) {
                for (int j = 0; j < BoxValues.VALUES; j++) {
                    isBox[view.index(n, v.firstChannel() + j, l)] = true;
                }
            }
        }
        for (int i = 0; i < isBox.length; i++) {
            if (isBox[i] == box) {
                t.data()[i] += 0.25f;
            }
        }
        return copy;
    }

    private static double[][] boxes(Head head, Map<String, FloatTensor> outputs, int classes, int w, int h) {
        LocationBoxes b = head.boxes(outputs, classes, w, h);
        double[][] all = new double[b.locations()][4];
        for (int l = 0; l < all.length; l++) {
            b.box(0, l, all[l]);
        }
        return all;
    }

    /** The model's outputs for one random image. */
    private static Map<String, FloatTensor> outputs(String model) {
        try (GraphExecutor ex = new GraphExecutor(GraphPreparer.prepare(OnnxReader.read(Shared.model(model))));
                NDManager m = DjlRuntime.newManager()) {
            long[] shape = ex.graph().inputs().get(0).shape();
            shape[0] = 1;
            float[] data = new float[(int) FloatTensor.numel(shape)];
            Random rnd = new Random(3);
            for (int i = 0; i < data.length; i++) {
                data[i] = rnd.nextFloat();
            }
            NDArray x = DjlRuntime.create(m, data, new Shape(shape));
            Map<String, FloatTensor> out = new HashMap<>();
            ex.forward(m, Map.of(ex.graph().inputs().get(0).name(), x), ValueHook.NONE)
                    .forEach((k, a) -> out.put(k, new FloatTensor(a.getShape().getShape(), a.toFloatArray())));
            return out;
        }
    }
}
