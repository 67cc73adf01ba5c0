package dev.inlierq.train;

import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.image.ByteImage;
import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.ImageLoader;
import dev.inlierq.synth.Split;
import dev.inlierq.synth.SynthDataset;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

/** CPU time of the data path per image (not a test: run with -Dtest=DataSpeedTool). */
class DataSpeedTool {
    @Test
    void time() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Architecture a = Architecture.builder().build();
        var cfg = Scenes.DEFAULT.config(8);
        for (Augmentation aug : new Augmentation[] {Augmentation.NONE, Augmentation.DEFAULT, Augmentation.NONE}) {
            System.out.printf("%s: %.1f ms CPU/sample%n", aug, msPerSample(mx, new SampleSource(cfg,
                    DetectorSpecText.spec(a, NmsMode.NONE).preprocessor(), aug, 0)));
        }
        long c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < 60; i++) {
            SynthDataset.render(cfg, Split.TRAIN, i);
        }
        System.out.printf("render only: %.1f ms CPU%n", (mx.getCurrentThreadCpuTime() - c0) / 1e6 / 60);
        for (Scenes sc : new Scenes[] {Scenes.DEFAULT, new Scenes(0, 10, 20), new Scenes(0, 20, 30),
            new Scenes(0, 20, 30).withLengths(12, 160)}) {
            SampleSource src = new SampleSource(sc.config(8), DetectorSpecText.spec(a, NmsMode.NONE).preprocessor(),
                    Augmentation.DEFAULT, 0);
            for (int i = 0; i < 20; i++) {
                src.sample(1000 + i);
            }
            System.out.printf("%s: %.1f ms CPU/sample%n", sc, msPerSample(mx, src));
        }
        ByteImage im = ImageLoader.toByteImage(SynthDataset.render(cfg, Split.TRAIN, 0).image(), ChannelOrder.RGB);
        c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < 60; i++) {
            Augmenter.jpegRoundTrip(im);
        }
        System.out.printf("jpeg: %.1f ms CPU%n", (mx.getCurrentThreadCpuTime() - c0) / 1e6 / 60);
    }

    /** CPU of this thread per sample, over samples 0-59. */
    private static double msPerSample(ThreadMXBean mx, SampleSource src) {
        long c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < 60; i++) {
            src.sample(i);
        }
        return (mx.getCurrentThreadCpuTime() - c0) / 1e6 / 60;
    }
}
