package dev.inlierq.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.synth.Split;
import dev.inlierq.synth.SynthConfig;
import dev.inlierq.synth.SynthDataset;
import org.junit.jupiter.api.Test;

class ScenesTest {
    @Test
    void theDefaultIsTheBenchmarksOwnGenerator() {
        SynthConfig c = Scenes.DEFAULT.config(8);
        assertEquals(3, c.minObjects());
        assertEquals(10, c.maxObjects());
        assertEquals(SynthConfig.builder().build().settings(), c.settings(), "the generator's own defaults");
    }

    @Test
    void denserScenesHoldMoreLabelledObjects() {
        SynthConfig sparse = Scenes.DEFAULT.config(8);
        SynthConfig dense = new Scenes(0, 20, 30).config(8);
        int few = 0;
        int many = 0;
        for (int i = 0; i < 10; i++) {
            few += SynthDataset.render(sparse, Split.TRAIN, i).boxes().size();
            many += SynthDataset.render(dense, Split.TRAIN, i).boxes().size();
        }
        assertTrue(few <= 100 && many > 2 * few, few + " boxes in sparse scenes, " + many + " in dense ones");
    }

    @Test
    void badRangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Scenes(0, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> new Scenes(0, 6, 5));
        assertThrows(IllegalArgumentException.class, () -> new Scenes(0, 1, 41));
    }
}
