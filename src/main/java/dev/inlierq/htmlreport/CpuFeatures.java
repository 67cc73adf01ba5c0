package dev.inlierq.htmlreport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CPU features that decide whether ONNX Runtime's int8 kernels beat its float kernels: on x86, the VNNI
 * dot-product instructions ({@code avx512_vnni}, {@code avx_vnni}) or AMX ({@code amx_int8}), read from the
 * {@code flags} line of {@code /proc/cpuinfo}. Without them the int8 convolutions multiply with AVX2's
 * {@code vpmaddubsw}, which is no faster than the float FMA kernels.
 *
 * @param model      the CPU's model name ({@code "unknown"} when not found)
 * @param x86        an x86 CPU (the flags below are meaningful only there)
 * @param avx512Vnni {@code avx512_vnni}
 * @param avxVnni    {@code avx_vnni}
 * @param amx        {@code amx_int8}
 */
public record CpuFeatures(String model, boolean x86, boolean avx512Vnni, boolean avxVnni, boolean amx) {
    /** This machine's features ({@code /proc/cpuinfo} and {@code os.arch}; none when it cannot be read). */
    public static CpuFeatures host() {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.contains("amd64") || arch.contains("x86");
        try {
            return parse(Files.readString(Path.of("/proc/cpuinfo")), x86);
        } catch (IOException e) {
            return new CpuFeatures("unknown", x86, false, false, false);
        }
    }

    /** The features in the text of a {@code /proc/cpuinfo} (its first processor's lines). */
    public static CpuFeatures parse(String cpuinfo, boolean x86) {
        String model = "unknown";
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("model name") && model.equals("unknown")) {
                model = value;
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags = Arrays.stream(value.split("\\s+")).collect(Collectors.toSet());
            }
        }
        return new CpuFeatures(model, x86, flags.contains("avx512_vnni"), flags.contains("avx_vnni"),
                flags.contains("amx_int8"));
    }

    /** Whether ONNX Runtime's int8 kernels can beat float here: VNNI or AMX on x86 (other CPUs: assumed). */
    public boolean fastInt8() {
        return !x86 || avx512Vnni || avxVnni || amx;
    }

    /** The relevant flags in words: "avx512_vnni: yes, avx_vnni: no, amx_int8: no". */
    public String describe() {
        if (!x86) {
            return "not an x86 CPU (VNNI and AMX do not apply)";
        }
        return "avx512_vnni: " + yesNo(avx512Vnni) + ", avx_vnni: " + yesNo(avxVnni) + ", amx_int8: " + yesNo(amx);
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
