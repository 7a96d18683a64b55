package io.binaryllm.metric;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public exponential: StrictMath's bits over exactly the range asked for, and a range outside the array refused. */
class ExpTest {
    @Test
    void aRunOfExponentialsIsStrictMathsBitsAndTouchesNothingElse() {
        SplittableRandom r = new SplittableRandom(5);
        for (int n : new int[]{0, 1, 3, 4, 7, 8, 9, 17, 64, 131}) {
            double[] in = new double[n + 3];
            for (int i = 0; i < in.length; i++) {
                in[i] = r.nextDouble(-30, 30);
            }
            double[] x = in.clone();
            Exp.exp(x, 2, 2 + n);
            for (int i = 0; i < x.length; i++) {
                double expected = i >= 2 && i < 2 + n ? StrictMath.exp(in[i]) : in[i];
                assertThat(Double.doubleToRawLongBits(x[i])).as("n=%d i=%d", n, i).isEqualTo(Double.doubleToRawLongBits(expected));
            }
        }
    }

    @Test
    void aRangeOutsideTheArrayIsRefused() {
        double[] x = new double[4];
        assertThatThrownBy(() -> Exp.exp(x, 2, 5)).isInstanceOf(IndexOutOfBoundsException.class).hasMessage("range [2, 5) of an array of 4");
        assertThatThrownBy(() -> Exp.exp(x, 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Exp.exp(x, -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
