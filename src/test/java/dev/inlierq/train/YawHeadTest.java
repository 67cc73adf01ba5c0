package dev.inlierq.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.image.ByteImage;
import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.lidar.LidarBox;
import dev.inlierq.lidar.LidarClass;
import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.lidar.LidarDataset;
import dev.inlierq.lidar.LidarFrame;
import dev.inlierq.synth.Split;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The heading head ({@code train --yaw}): labels, flips, targets, loss, graph, and a tiny detector learning it. */
class YawHeadTest {
    private static final LidarConfig MAP = LidarConfig.builder().cells(64).cellSize(1.0).build();
    private static final int S = 32;

    private static Architecture tiny(boolean yaw) {
        return Architecture.builder().inputSize(64).numClasses(4).stemWidth(4).widths(8, 8, 8, 8).depths(0, 1, 0, 0)
                .neckWidth(8).headWidth(8).yaw(yaw).build();
    }

    @Test
    void flipsTurnTheHeadingAndWrapIt() {
        double a = 0.3;
        assertEquals(Math.PI - a, TrainBox.flippedYaw(a, true, false), 1e-12);
        assertEquals(-a, TrainBox.flippedYaw(a, false, true), 1e-12);
        assertEquals(a - Math.PI, TrainBox.flippedYaw(a, true, true), 1e-12);
        assertEquals(a, TrainBox.flippedYaw(a, false, false));
        assertEquals(-Math.PI, TrainBox.flippedYaw(0, true, false), 1e-12, "pi wraps to -pi");
        assertEquals(-Math.PI, TrainBox.wrap(Math.PI));
        assertEquals(Math.PI / 2, TrainBox.wrap(-1.5 * Math.PI), 1e-12);
        assertTrue(Double.isNaN(TrainBox.flippedYaw(Double.NaN, true, true)));
        Random r = new Random(4);
        for (int i = 0; i < 200; i++) {
            double yaw = (r.nextDouble() * 2 - 1) * Math.PI;
            boolean h = r.nextBoolean();
            boolean v = r.nextBoolean();
            double f = TrainBox.flippedYaw(yaw, h, v);
            assertTrue(f >= -Math.PI && f < Math.PI, "in [-pi, pi): " + f);
            // the pixel direction (cos, -sin) with its x negated by a horizontal flip, its row by a vertical one
            assertEquals((h ? -1 : 1) * Math.cos(yaw), Math.cos(f), 1e-9);
            assertEquals((v ? -1 : 1) * -Math.sin(yaw), -Math.sin(f), 1e-9);
        }
    }

    /** The augmenter moves each box and turns its heading with the flips it draws; a box without one keeps NaN. */
    @Test
    void theAugmenterFlipsHeadingsWithTheBoxes() {
        ByteImage image = new ByteImage(40, 20, ChannelOrder.RGB, new byte[40 * 20 * 3]);
        List<TrainBox> boxes = List.of(new TrainBox(0, 4, 2, 10, 6, 0.5), new TrainBox(2, 30, 10, 3, 3));
        Augmenter augmenter = new Augmenter(Augmentation.FLIPS);
        Set<String> seen = new HashSet<>();
        for (long seed = 0; seed < 16; seed++) {
            List<TrainBox> moved = augmenter.apply(image, boxes, new SplittableRandom(seed)).boxes();
            boolean h = moved.get(0).x() != 4;
            boolean v = moved.get(0).y() != 2;
            seen.add(h + "," + v);
            assertEquals(TrainBox.flippedYaw(0.5, h, v), moved.get(0).yaw(), 0.0);
            assertTrue(Double.isNaN(moved.get(1).yaw()));
        }
        assertEquals(4, seen.size(), "every flip was drawn: " + seen);
    }

    @Test
    void lidarBoxesCarryTheLabelsYawButPedestriansNone() {
        LidarFrame f = LidarDataset.render(MAP, Split.TRAIN, 17);
        List<TrainBox> boxes = new LidarScenes(MAP).draw(4).scene(17).boxes();
        int pedestrians = 0;
        for (int i = 0; i < boxes.size(); i++) {
            LidarBox b = f.boxes().get(i);
            if (b.cls() == LidarClass.PEDESTRIAN) {
                pedestrians++;
                assertFalse(boxes.get(i).hasYaw());
            } else {
                assertEquals(b.rotated().yaw(), boxes.get(i).yaw(), 0.0);
            }
        }
        assertTrue(pedestrians > 0 && pedestrians < boxes.size(), pedestrians + " of " + boxes.size());
        assertTrue(new LidarScenes(MAP).headings() && !Scenes.DEFAULT.headings());
    }

    /** (sin, cos) at the centre cell; none for a box without a heading, also one replacing an earlier object's. */
    @Test
    void headingTargetsSitAtTheCentreCells() {
        TrainBox car = new TrainBox(0, 10, 12, 30, 20, 2.0);
        TrainBox pedestrian = new TrainBox(2, 40, 40, 3, 3);
        TrainBox truck = new TrainBox(1, 100, 5, 20, 20, -1.0);
        TrainBox hidden = new TrainBox(3, 101, 6, 18, 18);
        List<List<TrainBox>> boxes = List.of(List.of(car, pedestrian), List.of(truck, hidden));
        Targets t = Targets.of(boxes, 4, S * Architecture.STRIDE, LossOptions.Heatmap.CENTERNET, true);
        Targets.Heading h = t.heading();
        assertEquals(1, h.objects());
        int cell = 5 * S + 6; // centre (25, 22) / 4
        assertEquals((float) Math.sin(2.0), h.sinCos()[cell]);
        assertEquals((float) Math.cos(2.0), h.sinCos()[S * S + cell]);
        assertEquals(1f, h.mask()[cell]);
        assertEquals(0f, h.mask()[10 * S + 10], "the pedestrian's cell");
        int truckCell = S * S + 3 * S + 27;
        assertEquals(1f, t.mask()[truckCell], "the hidden box replaced the truck at its cell");
        assertEquals(0f, h.mask()[truckCell]);
        assertEquals(0f, h.sinCos()[2 * S * S + 3 * S + 27]);
        Targets plain = Targets.of(boxes, 4, S * Architecture.STRIDE, LossOptions.Heatmap.CENTERNET);
        assertNull(plain.heading());
        assertArrayEquals(plain.posMask(), t.posMask());
        assertArrayEquals(plain.size(), t.size());
        assertArrayEquals(plain.mask(), t.mask());
    }

    @Test
    void theYawTermIsHalfTheMeanL1AtCentresWithAHeading() {
        List<List<TrainBox>> boxes = List.of(List.of(new TrainBox(0, 10, 12, 30, 20, 2.0),
                new TrainBox(1, 40, 8, 12, 40, -0.5), new TrainBox(2, 40, 40, 3, 3)));
        Targets t = Targets.of(boxes, 4, S * Architecture.STRIDE, LossOptions.Heatmap.CENTERNET, true);
        float[] pred = new float[2 * S * S];
        Random r = new Random(2);
        for (int i = 0; i < pred.length; i++) {
            pred[i] = (float) r.nextGaussian();
        }
        double sum = 0;
        for (int c = 0; c < S * S; c++) {
            for (int k = 0; k < 2; k++) {
                sum += t.heading().mask()[c] * Math.abs(pred[k * S * S + c] - t.heading().sinCos()[k * S * S + c]);
            }
        }
        double l1 = sum / (4 + 1e-4); // two centres with a heading, two channels each
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray base = DjlRuntime.create(m, new float[] {3f}, new Shape());
            CenterNetLoss.Terms terms = new CenterNetLoss.Terms(base, base, null, null, null);
            NDArray p = DjlRuntime.create(m, pred, new Shape(1, 2, S, S));
            CenterNetLoss.Terms with = CenterNetLoss.withYaw(m, terms, p, t);
            assertEquals(l1, with.yaw().getFloat(), 1e-5);
            assertEquals(3 + 0.5 * l1, with.total().getFloat(), 1e-5);
            assertEquals(l1, with.values()[5], 1e-5);
            assertEquals(0, terms.values()[5]);
            assertThrows(NullPointerException.class, () -> CenterNetLoss.withYaw(m, terms, p,
                    Targets.of(boxes, 4, S * Architecture.STRIDE)));
        }
    }

    /** The heading conv is drawn last: every other weight is the plain detector's, and it adds the fourth output. */
    @Test
    void theYawOutputAddsOneConvolutionAfterTheOthers() {
        Graph plain = CenterNetGraph.build(tiny(false), 3);
        Graph yaw = CenterNetGraph.build(tiny(true), 3);
        assertEquals(List.of("heatmap", "size", "offset"), plain.outputs().stream().map(o -> o.name()).toList());
        assertEquals(List.of("heatmap", "size", "offset", "yaw"), yaw.outputs().stream().map(o -> o.name()).toList());
        int extra = 0;
        for (var e : yaw.initializers().entrySet()) {
            ConstTensor p = plain.initializers().get(e.getKey());
            if (p == null) {
                extra++;
                continue;
            }
            assertArrayEquals(p.floats(), e.getValue().floats(), e.getKey());
        }
        assertEquals(2, extra, "the yaw conv's weight and bias");
        assertFalse(plain.metadata().get("inlierq.architecture").contains("yaw"));
        assertTrue(yaw.metadata().get("inlierq.architecture").endsWith(", yaw]"));
        assertFalse(DetectorSpecText.yaml(tiny(false), NmsMode.NONE, List.of()).contains("yaw"));
        assertEquals("yaw", ((dev.inlierq.detect.decode.CenterNetHead) DetectorSpecText.spec(tiny(true), NmsMode.NONE)
                .head()).yaw());
        assertThrows(IllegalArgumentException.class, () -> TrainingOptions.builder().architecture(tiny(true))
                .steps(3).build(), "the shapes have no headings");
    }

    @Test
    void aTinyDetectorLearnsHeadingsOfAFixedBatchOfMaps() {
        TrainingOptions o = TrainingOptions.builder().architecture(tiny(true)).seed(1).steps(40).batch(4).lr(1e-2)
                .warmup(2).floor(1).logEvery(1).scenes(new LidarScenes(MAP)).augmentation(Augmentation.FLIPS)
                .build();
        assertTrue(o.yaw());
        SampleSource src = new SampleSource(o.scenes().draw(4),
                DetectorSpecText.spec(tiny(true), NmsMode.NONE).preprocessor(), Augmentation.FLIPS, 1);
        BatchPipeline.Batch fixed;
        try (BatchPipeline p = new BatchPipeline(src, 4, 4, 64, 1, 0, LossOptions.CENTERNET, true)) {
            fixed = p.build(0);
        }
        assertTrue(fixed.targets().heading().objects() > 0);
        Trainer.Result r = Trainer.run(o, () -> fixed, Trainer.Progress.NONE);
        TrainingLog first = r.log().get(0);
        TrainingLog last = r.log().get(39);
        assertEquals(first.focal() + 0.1 * first.size() + first.offset() + 0.5 * first.yaw(), first.loss(),
                1e-4 * first.loss());
        assertTrue(last.yaw() < 0.7 * first.yaw(), "yaw term " + first.yaw() + " -> " + last.yaw());
    }
}
