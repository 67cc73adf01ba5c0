package dev.inlierq.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.NmsMode;
import dev.inlierq.lidar.LidarBox;
import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.lidar.LidarDataset;
import dev.inlierq.lidar.LidarFrame;
import dev.inlierq.synth.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training on the LiDAR benchmark's bird's-eye-view maps: the scenes drawn, and a tiny detector that learns them. */
class LidarScenesTest {
    /** A 64 x 64 map of 1 m cells: +-32 m around the sensor. */
    private static final LidarConfig MAP = LidarConfig.builder().cells(64).cellSize(1.0).build();

    @Test
    void aDrawnSceneIsTheBenchmarksSceneWithItsFirstClasses() {
        LidarScenes scenes = new LidarScenes(MAP);
        assertEquals(4, scenes.maxClasses());
        LidarFrame f = LidarDataset.render(MAP, Split.TRAIN, 17);
        TrainingScenes.Drawn all = scenes.draw(4).scene(17);
        assertEquals(f.boxes().size(), all.boxes().size());
        assertTrue(!all.boxes().isEmpty(), "scene 17 holds labelled objects");
        for (int i = 0; i < f.boxes().size(); i++) {
            LidarBox b = f.boxes().get(i);
            TrainBox t = all.boxes().get(i);
            assertEquals(b.categoryId() - 1, t.cls());
            assertEquals(b.x(), t.x());
            assertEquals(b.w(), t.w());
        }
        assertEquals(64, all.image().width());
        assertEquals(f.bev().getRGB(10, 20) & 0xFFFFFF, rgb(all, 10, 20));
        List<TrainBox> cars = scenes.draw(1).scene(17).boxes();
        assertEquals(f.boxes().stream().filter(b -> b.categoryId() == 1).count(), cars.size());
        assertTrue(cars.stream().allMatch(b -> b.cls() == 0));
        assertThrows(IllegalArgumentException.class, () -> scenes.draw(5));
    }

    private static int rgb(TrainingScenes.Drawn d, int x, int y) {
        byte[] p = d.image().pixels();
        int i = (y * d.image().width() + x) * 3;
        return (p[i] & 0xFF) << 16 | (p[i + 1] & 0xFF) << 8 | p[i + 2] & 0xFF;
    }

    @Test
    void aTinyDetectorLearnsAFixedBatchOfMaps() {
        Architecture tiny = Architecture.builder().inputSize(64).numClasses(4).stemWidth(4).widths(8, 8, 8, 8)
                .depths(0, 1, 0, 0).neckWidth(8).headWidth(8).build();
        TrainingOptions o = TrainingOptions.builder().architecture(tiny).seed(1).steps(40).batch(4).lr(1e-2)
                .warmup(2).floor(1).logEvery(1).scenes(new LidarScenes(MAP)).augmentation(Augmentation.FLIPS)
                .build();
        SampleSource src = new SampleSource(o.scenes().draw(4),
                DetectorSpecText.spec(tiny, NmsMode.NONE).preprocessor(), Augmentation.FLIPS, 1);
        BatchPipeline.Batch fixed;
        try (BatchPipeline p = new BatchPipeline(src, 4, 4, 64, 1, 0, LossOptions.CENTERNET)) {
            fixed = p.build(0);
        }
        Trainer.Result r = Trainer.run(o, () -> fixed, Trainer.Progress.NONE);
        double first = r.log().get(0).loss();
        double last = r.log().get(39).loss();
        assertTrue(Double.isFinite(first) && last < 0.7 * first, "loss " + first + " -> " + last);
    }
}
