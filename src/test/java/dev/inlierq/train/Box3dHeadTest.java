package dev.inlierq.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.detect.Box3d;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.decode.CenterNetHead;
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
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** CenterPoint's 3D box outputs ({@code train --box3d}): labels, flips, targets, loss, graph, and a tiny run. */
class Box3dHeadTest {
    private static final LidarConfig MAP = LidarConfig.builder().cells(64).cellSize(1.0).build();
    private static final int S = 32;

    private static Architecture tiny(boolean yaw, boolean box3d) {
        return Architecture.builder().inputSize(64).numClasses(4).stemWidth(4).widths(8, 8, 8, 8).depths(0, 1, 0, 0)
                .neckWidth(8).headWidth(8).yaw(yaw).box3d(box3d).build();
    }

    /** Every box carries the label's footprint sides, z and height; a pedestrian's footprint is its disc. */
    @Test
    void lidarBoxesCarryTheLabels3dBoxesPedestriansToo() {
        LidarFrame f = LidarDataset.render(MAP, Split.TRAIN, 17);
        List<TrainBox> boxes = new LidarScenes(MAP).draw(4).scene(17).boxes();
        int pedestrians = 0;
        for (int i = 0; i < boxes.size(); i++) {
            LidarBox b = f.boxes().get(i);
            Box3d d = boxes.get(i).box3d();
            assertEquals(new Box3d(b.rotated().length(), b.rotated().width(), b.z(), b.height()), d);
            assertTrue(boxes.get(i).hasBox3d(), "" + d);
            if (b.cls() == LidarClass.PEDESTRIAN) {
                pedestrians++;
                assertEquals(d.length(), d.width(), 0.0, "a disc");
                assertFalse(boxes.get(i).hasYaw());
            }
        }
        assertTrue(pedestrians > 0, "a pedestrian among " + boxes.size());
        assertTrue(new LidarScenes(MAP).boxes3d() && !Scenes.DEFAULT.boxes3d());
    }

    /** A flip mirrors the footprint: its heading turns, its 3D box (sides and heights) stays. */
    @Test
    void flipsKeepThe3dBox() {
        ByteImage image = new ByteImage(40, 20, ChannelOrder.RGB, new byte[40 * 20 * 3]);
        Box3d solid = new Box3d(9, 4, 0.8, 1.6);
        List<TrainBox> boxes = List.of(new TrainBox(0, 4, 2, 10, 6, 0.5, solid));
        Augmenter augmenter = new Augmenter(Augmentation.FLIPS);
        for (long seed = 0; seed < 8; seed++) {
            TrainBox moved = augmenter.apply(image, boxes, new SplittableRandom(seed)).boxes().get(0);
            assertSame(solid, moved.box3d());
            assertEquals(TrainBox.flippedYaw(0.5, moved.x() != 4, moved.y() != 2), moved.yaw(), 0.0);
        }
    }

    /** (ln length, ln width, ln height) and z at the centre cell; none for a box without a 3D box. */
    @Test
    void box3dTargetsSitAtTheCentreCells() {
        TrainBox car = new TrainBox(0, 10, 12, 30, 20, 2.0, new Box3d(28, 11, 0.75, 1.5));
        TrainBox flat = new TrainBox(2, 40, 40, 3, 3, 1.0);
        TrainBox truck = new TrainBox(1, 100, 5, 20, 20, -1.0, new Box3d(30, 10, 1.5, 3));
        TrainBox hidden = new TrainBox(3, 101, 6, 18, 18, 0.5, new Box3d(0, 2, 0.5, 1));
        List<List<TrainBox>> boxes = List.of(List.of(car, flat), List.of(truck, hidden));
        Targets t = Targets.of(boxes, 4, S * Architecture.STRIDE, LossOptions.Heatmap.CENTERNET,
                Architecture.BoxHead.BOX3D);
        Targets.Cuboid c = t.cuboid();
        assertEquals(1, c.objects());
        int cell = 5 * S + 6; // centre (25, 22) / 4
        int plane = S * S;
        assertEquals((float) Math.log(28), c.logDims()[cell]);
        assertEquals((float) Math.log(11), c.logDims()[plane + cell]);
        assertEquals((float) Math.log(1.5), c.logDims()[2 * plane + cell]);
        assertEquals(0.75f, c.z()[cell]);
        assertEquals(1f, c.mask()[cell]);
        assertEquals(0f, c.mask()[10 * S + 10], "the box without a 3D box");
        int truckCell = plane + 3 * S + 27;
        assertEquals(1f, t.mask()[truckCell], "the box of length 0 replaced the truck at its cell");
        assertEquals(0f, c.mask()[truckCell]);
        assertEquals(0f, c.z()[truckCell]);
        Targets yaw = Targets.of(boxes, 4, S * Architecture.STRIDE, LossOptions.Heatmap.CENTERNET, true);
        assertNull(yaw.cuboid());
        assertArrayEquals(yaw.heading().sinCos(), t.heading().sinCos());
        assertArrayEquals(yaw.heading().mask(), t.heading().mask());
        assertArrayEquals(yaw.size(), t.size());
        assertNull(Targets.of(boxes, 4, S * Architecture.STRIDE).extras());
    }

    private static double maskedL1(float[] pred, float[] target, float[] mask, int channels) {
        double sum = 0;
        for (int c = 0; c < S * S; c++) {
            for (int k = 0; k < channels; k++) {
                sum += mask[c] * Math.abs(pred[k * S * S + c] - target[k * S * S + c]);
            }
        }
        return sum;
    }

    @Test
    void theTermsAreMeanL1sWeighted075And025() {
        List<List<TrainBox>> boxes = List.of(List.of(new TrainBox(0, 10, 12, 30, 20, 2.0, new Box3d(28, 11, 0.75,
                1.5)), new TrainBox(1, 40, 8, 12, 40, -0.5, new Box3d(38, 10, 1.4, 2.8)), new TrainBox(2, 40, 40, 3,
                3)));
        Targets t = Targets.of(boxes, 4, S * Architecture.STRIDE, LossOptions.Heatmap.CENTERNET,
                Architecture.BoxHead.BOX3D);
        Random r = new Random(2);
        float[] dim = new float[3 * S * S];
        float[] z = new float[S * S];
        for (int i = 0; i < dim.length; i++) {
            dim[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        Targets.Cuboid c = t.cuboid();
        double l1Dim = maskedL1(dim, c.logDims(), c.mask(), 3) / (6 + 1e-4); // two centres, three channels
        double l1Z = maskedL1(z, c.z(), c.mask(), 1) / (2 + 1e-4);
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray base = DjlRuntime.create(m, new float[] {3f}, new Shape());
            CenterNetLoss.Terms terms = new CenterNetLoss.Terms(base, base, null, null, null);
            CenterNetLoss.Terms with = CenterNetLoss.withBox3d(m, terms, DjlRuntime.create(m, dim, new Shape(1, 3, S,
                    S)), DjlRuntime.create(m, z, new Shape(1, 1, S, S)), t);
            assertEquals(l1Dim, with.dim().getFloat(), 1e-5);
            assertEquals(l1Z, with.z().getFloat(), 1e-5);
            assertEquals(3 + 0.75 * l1Dim + 0.25 * l1Z, with.total().getFloat(), 1e-5);
            assertArrayEquals(new double[] {with.total().getFloat(), 3, 0, 0, 0, 0, with.dim().getFloat(),
                with.z().getFloat()}, with.values(), 0.0);
            assertThrows(NullPointerException.class, () -> CenterNetLoss.withBox3d(m, terms, base, base,
                    Targets.of(boxes, 4, S * Architecture.STRIDE, LossOptions.Heatmap.CENTERNET, true)));
        }
    }

    /** dim and z are drawn after the yaw conv: every other weight is the heading detector's. */
    @Test
    void theOutputsAddTwoConvolutionsAfterTheOthers() {
        assertEquals(tiny(true, true), tiny(false, true), "--box3d brings the heading");
        Graph yaw = CenterNetGraph.build(tiny(true, false), 3);
        Graph box3d = CenterNetGraph.build(tiny(false, true), 3);
        assertEquals(List.of("heatmap", "size", "offset", "yaw", "dim", "z"),
                box3d.outputs().stream().map(o -> o.name()).toList());
        int extra = 0;
        for (var e : box3d.initializers().entrySet()) {
            ConstTensor p = yaw.initializers().get(e.getKey());
            if (p == null) {
                extra++;
                continue;
            }
            assertArrayEquals(p.floats(), e.getValue().floats(), e.getKey());
        }
        assertEquals(4, extra, "the weights and biases of the dim and z convs");
        assertTrue(box3d.metadata().get("inlierq.architecture").endsWith(", yaw, box3d]"));
        assertTrue(DetectorSpecText.yaml(tiny(true, true), NmsMode.NONE, List.of())
                .contains("  offset: offset\n  yaw: yaw\n  dim: dim\n  z: z\n  stride: 4\n"));
        CenterNetHead head = (CenterNetHead) DetectorSpecText.spec(tiny(true, true), NmsMode.NONE).head();
        assertEquals(List.of("dim", "z"), List.of(head.dim(), head.z()));
        assertNull(((CenterNetHead) DetectorSpecText.spec(tiny(true, false), NmsMode.NONE).head()).dim());
        assertEquals(Architecture.BoxHead.BOX3D, tiny(false, true).toBuilder().build().boxHead());
        assertThrows(IllegalArgumentException.class, () -> TrainingOptions.builder().architecture(tiny(true, true))
                .steps(3).build(), "the shapes have no 3D boxes");
    }

    @Test
    void aTinyDetectorLearns3dBoxesOfAFixedBatchOfMaps() {
        TrainingOptions o = TrainingOptions.builder().architecture(tiny(true, true)).seed(1).steps(40).batch(4)
                .lr(1e-2).warmup(2).floor(1).logEvery(1).scenes(new LidarScenes(MAP)).augmentation(Augmentation.FLIPS)
                .build();
        assertTrue(o.box3d() && o.yaw());
        SampleSource src = new SampleSource(o.scenes().draw(4),
                DetectorSpecText.spec(tiny(true, true), NmsMode.NONE).preprocessor(), Augmentation.FLIPS, 1);
        BatchPipeline.Batch fixed;
        try (BatchPipeline p = new BatchPipeline(src, 4, 4, 64, 1, 0, LossOptions.CENTERNET,
                Architecture.BoxHead.BOX3D)) {
            fixed = p.build(0);
        }
        assertTrue(fixed.targets().cuboid().objects() > 0 && fixed.targets().heading().objects() > 0);
        Trainer.Result r = Trainer.run(o, () -> fixed, Trainer.Progress.NONE);
        TrainingLog first = r.log().get(0);
        TrainingLog last = r.log().get(39);
        assertEquals(first.focal() + 0.1 * first.size() + first.offset() + 0.5 * first.yaw() + 0.75 * first.dim()
                + 0.25 * first.z(), first.loss(), 1e-4 * first.loss());
        assertTrue(last.dim() < 0.5 * first.dim(), "dim term " + first.dim() + " -> " + last.dim());
        assertTrue(last.z() < 0.5 * first.z(), "z term " + first.z() + " -> " + last.z());
    }
}
