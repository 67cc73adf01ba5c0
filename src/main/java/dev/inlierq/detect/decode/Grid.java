package dev.inlierq.detect.decode;

import static dev.inlierq.detect.InvalidSpecException.check;

import java.util.List;

/**
 * Grid points of a feature pyramid over a network input, level by level, each level row-major:
 * level {@code i} has {@code ceil(inH / s_i) x ceil(inW / s_i)} points (a strided convolution with
 * padding yields the ceiling).
 */
final class Grid {
    final int[] col;
    final int[] row;
    final int[] stride;
    /** First location of each level, plus the total at the end. */
    final int[] levelStart;

    private Grid(int[] col, int[] row, int[] stride, int[] levelStart) {
        this.col = col;
        this.row = row;
        this.stride = stride;
        this.levelStart = levelStart;
    }

    /** Validates a spec's strides: at least one, all positive. */
    static List<Integer> checkStrides(List<Integer> strides, String field) {
        check(strides != null && !strides.isEmpty(), field, "needs at least one stride");
        for (int i = 0; i < strides.size(); i++) {
            check(strides.get(i) != null && strides.get(i) >= 1, field + "[" + i + "]",
                    "must be a positive integer, got " + strides.get(i));
        }
        return List.copyOf(strides);
    }

    static Grid of(List<Integer> strides, int inputWidth, int inputHeight) {
        int[] start = new int[strides.size() + 1];
        for (int i = 0; i < strides.size(); i++) {
            int s = strides.get(i);
            start[i + 1] = start[i] + levelPoints(s, inputWidth, inputHeight);
        }
        int total = start[strides.size()];
        int[] col = new int[total];
        int[] row = new int[total];
        int[] stride = new int[total];
        for (int i = 0; i < strides.size(); i++) {
            int s = strides.get(i);
            int w = ceilDiv(inputWidth, s);
            for (int l = start[i]; l < start[i + 1]; l++) {
                col[l] = (l - start[i]) % w;
                row[l] = (l - start[i]) / w;
                stride[l] = s;
            }
        }
        return new Grid(col, row, stride, start);
    }

    /** Grid points of one level of stride {@code s}. */
    static int levelPoints(int s, int inputWidth, int inputHeight) {
        return ceilDiv(inputWidth, s) * ceilDiv(inputHeight, s);
    }

    /** Grid points of all levels. */
    static int points(List<Integer> strides, int inputWidth, int inputHeight) {
        return strides.stream().mapToInt(s -> levelPoints(s, inputWidth, inputHeight)).sum();
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    int size() {
        return col.length;
    }

    int levels() {
        return levelStart.length - 1;
    }

    int levelSize(int level) {
        return levelStart[level + 1] - levelStart[level];
    }

    /** The level holding location {@code l}. */
    int level(int l) {
        int i = 0;
        while (l >= levelStart[i + 1]) {
            i++;
        }
        return i;
    }

    String describe(List<Integer> strides, int inputWidth, int inputHeight) {
        return "grid points of strides " + strides + " on a " + inputWidth + "x" + inputHeight + " input";
    }
}
