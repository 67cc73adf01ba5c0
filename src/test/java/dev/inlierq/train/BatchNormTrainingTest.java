package dev.inlierq.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.NmsMode;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Attr;
import dev.inlierq.graph.Attributes;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.onnx.OnnxWriter;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training with batch normalisation ({@code --norm bn}) on a tiny detector: the loss falls, the same seed gives
 * the same bytes, and the written model (BN folded into the convolutions) is the trained network with its running
 * statistics: ONNX Runtime on it equals the engine's inference-mode run of the trained graph.
 */
class BatchNormTrainingTest {
    private static Architecture tiny() {
        return Architecture.builder().inputSize(64).numClasses(2).stemWidth(4).widths(8, 8, 8, 8).depths(0, 1, 0, 0)
                .neckWidth(8).headWidth(8).norm(Architecture.Norm.BN).build();
    }

    @Test
    void lossFallsOnAFixedBatch() {
        TrainingOptions o = TrainingOptions.builder().architecture(tiny()).seed(1).steps(40).batch(4).lr(1e-2)
                .warmup(2).floor(1).logEvery(1).build();
        SampleSource src = new SampleSource(Scenes.DEFAULT.config(2),
                DetectorSpecText.spec(tiny(), NmsMode.NONE).preprocessor(), Augmentation.NONE, 1);
        BatchPipeline.Batch fixed;
        try (BatchPipeline p = new BatchPipeline(src, 4, 2, 64, 1, 0, LossOptions.CENTERNET)) {
            fixed = p.build(0);
        }
        Trainer.Result r = Trainer.run(o, () -> fixed, Trainer.Progress.NONE);
        double first = r.log().get(0).loss();
        double last = r.log().get(39).loss();
        assertTrue(Double.isFinite(first) && Double.isFinite(last));
        assertTrue(last < 0.7 * first, "loss " + first + " -> " + last);
        float[] mean = r.trained().constant("conv0.bn.mean").floats();
        assertFalse(mean[0] == 0 && mean[1] == 0, "the running mean moved from its start");
    }

    @Test
    void sameSeedSameBytesAndTheDeployedGraphHasNoBn() {
        TrainingOptions o = TrainingOptions.builder().architecture(tiny()).seed(7).steps(3).batch(4).warmup(1)
                .build();
        Trainer.Result a = Trainer.train(o, Trainer.Progress.NONE);
        assertArrayEquals(ModelFiles.onnxBytes(a), ModelFiles.onnxBytes(Trainer.train(o, Trainer.Progress.NONE)));
        assertEquals(13, a.graph().opset());
        Architecture plain = tiny().toBuilder().norm(Architecture.Norm.NONE).build();
        Graph none = CenterNetGraph.build(plain, 7);
        assertEquals(ops(none), ops(a.graph()), "the layers of the model without BN");
        assertEquals(none.initializers().keySet(), a.graph().initializers().keySet());
        assertTrue(ops(a.trained()).contains("BatchNormalization"));
        assertEquals(tiny().toString(), a.graph().metadata().get("inlierq.architecture"));
        assertTrue(tiny().toString().endsWith(", norm bn]"));
    }

    @Test
    void writtenModelIsTheTrainedNetworkInInferenceMode(@TempDir Path dir) throws Exception {
        TrainingOptions o = TrainingOptions.builder().architecture(tiny()).seed(3).steps(6).batch(4).warmup(1)
                .lr(1e-2).build();
        Trainer.Result r = Trainer.train(o, Trainer.Progress.NONE);
        Path folded = dir.resolve("m.onnx");
        Files.write(folded, ModelFiles.onnxBytes(r));
        Graph inference = inferenceMode(r.trained());
        Path unfolded = dir.resolve("bn.onnx");
        Files.write(unfolded, OnnxWriter.toModel(inference, 1).toByteArray());
        FloatTensor x = TrainerTest.randomInput(2);
        Map<String, FloatTensor> ort;
        Map<String, FloatTensor> ortUnfolded;
        try (OrtRunner a = new OrtRunner(folded, 1); OrtRunner b = new OrtRunner(unfolded, 1)) {
            ort = a.run(x);
            ortUnfolded = b.run(x);
        }
        Map<String, FloatTensor> djl;
        try (GraphExecutor exec = new GraphExecutor(GraphPreparer.prepare(inference))) {
            djl = exec.run(x);
        }
        Map<String, FloatTensor> djlRead;
        try (GraphExecutor exec = new GraphExecutor(GraphPreparer.prepare(OnnxReader.read(folded)))) {
            djlRead = exec.run(x);
        }
        for (String k : List.of("heatmap", "size", "offset")) {
            assertClose(ort.get(k).data(), djl.get(k).data(), k + " ORT (folded) vs engine (BN in inference mode)");
            assertClose(ortUnfolded.get(k).data(), ort.get(k).data(), k + " ORT: BN nodes vs folded");
            assertClose(ort.get(k).data(), djlRead.get(k).data(), k + " ORT vs engine, the written file");
        }
    }

    /** The trained graph with every BN in inference mode (its running statistics), as ONNX writes BN at opset 13. */
    static Graph inferenceMode(Graph trained) {
        List<Node> nodes = new ArrayList<>();
        for (Node n : trained.nodes()) {
            if (n.op() == OpType.BatchNormalization) {
                Map<String, Attr> attrs = new LinkedHashMap<>(n.attrs().asMap());
                attrs.remove("training_mode");
                n = new Node(n.name(), n.op(), n.inputs(), List.of(n.output()), new Attributes(attrs));
            }
            nodes.add(n);
        }
        return new Graph(nodes, trained.initializers(), trained.inputs(), trained.outputs(), trained.shapes(), 13,
                trained.metadata());
    }

    private static String ops(Graph g) {
        return g.nodes().stream().map(n -> n.op().name()).toList().toString();
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4 * Math.max(1, Math.abs(want[i])), what + " [" + i + "]");
        }
    }
}
