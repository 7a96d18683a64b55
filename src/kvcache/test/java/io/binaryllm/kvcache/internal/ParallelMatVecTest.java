package io.binaryllm.kvcache.internal;

import io.binaryllm.metric.Dot;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ParallelMatVecTest {
    /** Split over threads or not, every row is the same sum: the same bits, for row counts that do not divide evenly. */
    @Test
    void theSplitNeverChangesABit() {
        SplittableRandom r = new SplittableRandom(1);
        for (int rows : new int[]{63, 64, 1001, 4099}) {
            int d = 301;
            float[] w = new float[5 + rows * d];
            float[] x = new float[d + 2];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] serial = new float[rows + 3];
            float[] parallel = new float[rows + 3];
            Dot.matVec(w, 5, rows, d, x, 2, serial, 3);
            ParallelMatVec.matVec(w, 5, rows, d, x, 2, parallel, 3);
            assertThat(parallel).as("rows %d", rows).containsExactly(serial);
            if (rows > 1000) { // these go the parallel way
                assertThat((long) rows * d).isGreaterThanOrEqualTo(WorkerTeam.SPLIT_FROM);
            }
        }
    }
}
