package dev.inlierq.htmlreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The latency explanation: CPU flags read from /proc/cpuinfo text, and what the report says for each case. */
class LatencyAdviceTest {
    private static final String EPYC = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            model name\t: AMD EPYC 7B12
            flags\t\t: fpu vme avx avx2 fma sse4_2

            processor\t: 1
            model name\t: other
            flags\t\t: avx512_vnni amx_int8
            """;
    private static final String SAPPHIRE = """
            model name\t: Intel(R) Xeon(R) Platinum 8481C
            flags\t\t: fpu avx2 avx512f avx512_vnni avx_vnni amx_bf16 amx_tile amx_int8
            """;

    @Test
    void flagsAreReadFromTheFirstProcessor() {
        CpuFeatures epyc = CpuFeatures.parse(EPYC, true);
        assertEquals("AMD EPYC 7B12", epyc.model());
        assertFalse(epyc.avx512Vnni() || epyc.avxVnni() || epyc.amx(), epyc.toString());
        assertFalse(epyc.fastInt8());
        CpuFeatures spr = CpuFeatures.parse(SAPPHIRE, true);
        assertTrue(spr.avx512Vnni() && spr.avxVnni() && spr.amx(), spr.toString());
        assertTrue(spr.fastInt8());
        assertTrue(CpuFeatures.parse(EPYC, false).fastInt8(), "not x86: VNNI does not apply");
        assertEquals("avx512_vnni: no, avx_vnni: no, amx_int8: no", epyc.describe());
    }

    @Test
    void slowerWithoutVnniAndInputsPlacementNamesBothCausesAndTheFusedAlternative() {
        List<String> a = LatencyAdvice.of(new LatencyAdvice.Facts(7.2, 27.1, CpuFeatures.parse(EPYC, true), true, 28,
                43, 2.6, 0));
        String all = String.join("\n", a);
        assertTrue(a.get(0).contains("3.76x slower"), a.get(0));
        assertTrue(all.contains("neither VNNI") && all.contains("AMD EPYC 7B12"), all);
        assertTrue(all.contains("--placement inputs") && all.contains("28 layers"), all);
        assertTrue(all.contains("quantize with --placement all --alpha 0.8 --method qdrop"), all);
        assertFalse(all.contains("--no-equalize"), "equalisation folds into fused files: " + all);
        assertTrue(all.contains("2.6x smaller"), all);
    }

    @Test
    void aboutAsFastWithoutVnniAndFullyFusedPointsToTheFloatModel() {
        String all = String.join("\n", LatencyAdvice.of(new LatencyAdvice.Facts(153.3, 160.8,
                CpuFeatures.parse(EPYC, true), false, 9, 333, 3.06, 0)));
        assertTrue(all.contains("about as fast"), all);
        assertFalse(all.contains("--placement inputs"), all);
        assertTrue(all.contains("the float model; the fully fused int8 file (333 integer kernels) runs faster on a "
                + "CPU with VNNI or AMX"), all);
    }

    @Test
    void fasterWithVnniSaysSoAndOffersNoAlternative() {
        List<String> a = LatencyAdvice.of(new LatencyAdvice.Facts(20, 8, CpuFeatures.parse(SAPPHIRE, true), false, 0,
                100, 3.9, 0));
        assertTrue(a.get(0).contains("2.50x faster"), a.get(0));
        assertTrue(a.get(1).contains("avx512_vnni, avx_vnni, amx_int8"), a.get(1));
        assertEquals(2, a.size(), "no alternative when int8 wins: " + a);
    }

    @Test
    void equalisationMulsOnAVnniCpuAreNamedWithTheNoEqualizeAlternative() {
        List<String> a = LatencyAdvice.of(new LatencyAdvice.Facts(4.4, 5.2, CpuFeatures.parse(SAPPHIRE, true), false, 2,
                70, 3.8, 17));
        String all = String.join("\n", a);
        assertTrue(a.get(0).contains("slower"), a.get(0));
        assertTrue(all.contains("left 17 per-channel Mul nodes"), all);
        assertTrue(all.contains("Faster alternative: quantize with --no-equalize"), all);
        String none = String.join("\n", LatencyAdvice.of(new LatencyAdvice.Facts(4.4, 5.2,
                CpuFeatures.parse(SAPPHIRE, true), false, 2, 70, 3.8, 0)));
        assertFalse(none.contains("Mul nodes") || none.contains("--no-equalize"), none);
    }
}
