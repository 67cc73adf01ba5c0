package dev.inlierq.htmlreport;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Explains, in plain words, the latency of a quantized file against its float model on this machine: whether
 * int8 is faster, why not (no VNNI or AMX on the CPU, {@link CpuFeatures}; Q/DQ pairs left unfused by
 * {@code --placement inputs}, so ONNX Runtime runs those layers in float and dequantizes their weights on every
 * run) and which faster alternative exists.
 */
public final class LatencyAdvice {
    /** Latencies within this ratio count as "about as fast". */
    static final double SAME = 0.05;

    private LatencyAdvice() {
    }

    /**
     * What the comparison is made of.
     *
     * @param inputsPlacement the file was quantized with {@code --placement inputs}
     * @param floatLayers     weighted layers ONNX Runtime still runs in float in the quantized file
     * @param integerKernels  integer kernels it formed (QLinearConv and co.)
     * @param sizeRatio       float file size over quantized file size
     * @param equalizationMuls per-channel Mul nodes that activation equalisation left in the file (run in float)
     */
    public record Facts(double floatMs, double quantMs, CpuFeatures cpu, boolean inputsPlacement, int floatLayers,
            int integerKernels, double sizeRatio, int equalizationMuls) {
    }

    /** The explanation, one sentence or short paragraph per item. */
    public static List<String> of(Facts f) {
        List<String> out = new ArrayList<>();
        double ratio = f.floatMs() / f.quantMs();
        boolean faster = ratio > 1 + SAME;
        if (faster) {
            out.add(fmt("The quantized file runs %.2fx faster than the float model (%.1f ms against %.1f ms).", ratio,
                    f.quantMs(), f.floatMs()));
        } else if (ratio >= 1 - SAME) {
            out.add(fmt("The quantized file runs about as fast as the float model (%.1f ms against %.1f ms): int8 "
                    + "brings no speed-up here.", f.quantMs(), f.floatMs()));
        } else {
            out.add(fmt("The quantized file runs %.2fx slower than the float model (%.1f ms against %.1f ms).",
                    1 / ratio, f.quantMs(), f.floatMs()));
        }
        CpuFeatures cpu = f.cpu();
        if (!cpu.x86()) {
            out.add("This CPU (" + cpu.model() + ") is not x86; ONNX Runtime's int8 kernels use its own dot-product "
                    + "instructions where it has them.");
        } else if (cpu.fastInt8()) {
            out.add("This CPU (" + cpu.model() + ") has " + fastFlags(cpu) + ", which ONNX Runtime's int8 kernels "
                    + "use: fused integer layers can beat float here, though small depthwise and 1x1 convolutions "
                    + "at batch 1 are bound by memory traffic rather than arithmetic and may not.");
        } else {
            out.add("This CPU (" + cpu.model() + ") has neither VNNI (avx512_vnni, avx_vnni) nor AMX (amx_int8). "
                    + "ONNX Runtime's int8 kernels need VNNI to beat float: without it they multiply with AVX2 "
                    + "(vpmaddubsw) and take about as long as its float kernels, so int8 is not faster on this "
                    + "CPU, however the file is quantized.");
        }
        if (f.inputsPlacement() && f.floatLayers() > 0) {
            out.add(fmt("This file was quantized with --placement inputs: the outputs of layers followed by an "
                    + "activation stay float, so the Q/DQ pairs around %d layers stay unfused and ONNX Runtime runs "
                    + "them in float, dequantizing their weights at every run. That makes it slower than the float "
                    + "model.", f.floatLayers()));
        }
        if (!f.inputsPlacement() && f.equalizationMuls() > 0) {
            out.add(fmt("Activation equalisation left %d per-channel Mul nodes in the file; ONNX Runtime runs each in "
                    + "float with a dequantize before and a quantize after it, which breaks the integer chains.",
                    f.equalizationMuls()));
        }
        if (!faster) {
            out.add(alternative(f));
        }
        return out;
    }

    private static String alternative(Facts f) {
        String smaller = fmt("The quantized file is %.1fx smaller than the float model.", f.sizeRatio());
        if (f.inputsPlacement() && f.floatLayers() > 0) {
            return "Faster alternative: quantize with --placement all --alpha 0.8 --method qdrop --start gptq (every "
                    + "activation between layers, step sizes learned within the clamps ONNX Runtime fuses; "
                    + "equalisation then only folds into convolutions, through Relu and hard-swish, and leaves no float "
                    + "Mul), which ONNX Runtime fuses into integer kernels (QLinearConv)"
                    + (f.cpu().fastInt8() ? ". " : "; without VNNI, the float model stays the fastest on this CPU. ")
                    + smaller;
        }
        if (f.equalizationMuls() > 0 && f.cpu().fastInt8()) {
            return "Faster alternative: quantize with --no-equalize, so that the integer kernels chain without the "
                    + "float Muls (check the accuracy: equalisation matters most at 4 bit). " + smaller;
        }
        if (!f.cpu().fastInt8()) {
            return "Faster alternative: on this CPU, the float model; the fully fused int8 file (" + f.integerKernels()
                    + " integer kernels) runs faster on a CPU with VNNI or AMX. " + smaller;
        }
        return "Faster alternative: none found by this report; check the layers ONNX Runtime runs in float "
                + "(inlierq bench --fused). " + smaller;
    }

    private static String fastFlags(CpuFeatures cpu) {
        List<String> has = new ArrayList<>();
        if (cpu.avx512Vnni()) {
            has.add("avx512_vnni");
        }
        if (cpu.avxVnni()) {
            has.add("avx_vnni");
        }
        if (cpu.amx()) {
            has.add("amx_int8");
        }
        return String.join(", ", has);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
