package dev.inlierq.mixed;

import dev.inlierq.rounding.RowPrecision;
import dev.inlierq.sensitivity.LayerSensitivity;
import dev.inlierq.sensitivity.SensitivityReport;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Experiment (inlierq.mixed.rows): the knapsack over output rows, each row's gain its share of its layer's. */
final class RowChoice {
    private static final boolean GLOBAL = Boolean.getBoolean("inlierq.mixed.global");

    private RowChoice() {
    }

    private record Item(LayerSensitivity.Weight w, int row, long cost, double gain) {
    }

    static MixedPrecision.Assignment choose(SensitivityReport r, double fraction, boolean bytes) {
        Map<String, LayerSensitivity.Weight> candidates = new LinkedHashMap<>();
        for (LayerSensitivity l : r.layers()) {
            LayerSensitivity.Weight w = l.weight();
            if (w.bits() < MixedPrecision.HIGH_BITS) {
                candidates.putIfAbsent(w.tensor(), w);
            }
        }
        List<Item> items = new ArrayList<>();
        long total = 0;
        long storedBits = 0;
        for (LayerSensitivity.Weight w : candidates.values()) {
            total += w.parameters();
            storedBits += w.parameters() * w.bits();
            double[] e = RowPrecision.ROW_ERRORS.get(w.tensor());
            double gain = w.score().lossChange();
            if (e == null || !(gain > 0) && !GLOBAL) {
                continue;
            }
            double[] f = RowPrecision.FISHER.get(w.tensor());
            double[] fe = new double[e.length];
            double sum = 0;
            for (int i = 0; i < e.length; i++) {
                fe[i] = f != null && f.length == e.length ? f[i] * e[i] : e[i];
                sum += fe[i];
            }
            long per = w.parameters() / e.length;
            for (int i = 0; i < e.length; i++) {
                double g = GLOBAL ? fe[i] : sum > 0 ? gain * fe[i] / sum : gain / e.length;
                items.add(new Item(w, i, per, g));
            }
        }
        items.sort(Comparator.comparingDouble((Item it) -> -it.gain() / it.cost())
                .thenComparing(it -> it.w().tensor()).thenComparingInt(Item::row));
        long promoted = 0;
        Map<String, BitSet> high = new LinkedHashMap<>();
        for (Item it : items) {
            boolean fits;
            if (bytes) {
                long hi = (promoted + it.cost()) * MixedPrecision.HIGH_BITS;
                long stored = storedBits + it.cost() * (MixedPrecision.HIGH_BITS - it.w().bits());
                fits = hi <= fraction * stored;
            } else {
                fits = promoted + it.cost() <= (long) Math.floor(fraction * total);
            }
            if (fits) {
                promoted += it.cost();
                storedBits += it.cost() * (MixedPrecision.HIGH_BITS - it.w().bits());
                high.computeIfAbsent(it.w().tensor(), t -> new BitSet()).set(it.row());
            }
        }
        List<MixedPrecision.Choice> choices = new ArrayList<>();
        RowPrecision.LOW_ROWS.clear();
        int partial = 0;
        for (LayerSensitivity.Weight w : candidates.values()) {
            BitSet h = high.get(w.tensor());
            int bits = h == null ? w.bits() : MixedPrecision.HIGH_BITS;
            double[] e = RowPrecision.ROW_ERRORS.get(w.tensor());
            if (h != null && e != null && h.cardinality() < e.length) {
                BitSet low = new BitSet();
                low.set(0, e.length);
                low.andNot(h);
                RowPrecision.LOW_ROWS.put(w.tensor(), low);
                RowPrecision.lowBits = w.bits();
                partial++;
            }
            choices.add(new MixedPrecision.Choice(w.tensor(), w.readers(), w.parameters(),
                    w.score().lossChange(), bits));
        }
        RowPrecision.summary = String.format(java.util.Locale.ROOT, "rows: %d promoted parameters of %d (%.2f%%), byte share %.4f, %d tensors touched, %d partial%n",
                promoted, total, 100.0 * promoted / total,
                promoted * 8.0 / storedBits, high.size(), partial);
        return new MixedPrecision.Assignment(fraction, bytes ? BudgetUnit.BYTES : BudgetUnit.PARAMETERS, total,
                promoted, choices, r.rounding(), r.scoring(), 1, r.scoreImages(), r.seconds());
    }
}
