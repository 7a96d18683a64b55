package io.binaryllm.gpu.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One kernel launch: the kernel, its work-groups and work-items per group, and its arguments in the order of its
 * signature in {@code kernels/binaryllm_core.h}: device buffers ({@code B}), {@code blm_i64} as {@link Long} and
 * {@code int} as {@link Integer}. Built with {@link #of}, so each argument's C type is spelled where it is added.
 */
public record Launch<B>(Kernel kernel, int groups, int groupSize, List<Object> args) {
    public Launch {
        args = List.copyOf(args);
    }

    public static <B> Builder<B> of(Kernel kernel, int groups, int groupSize) {
        return new Builder<>(kernel, groups, groupSize);
    }

    /** Arguments in signature order. */
    public static final class Builder<B> {
        private final Kernel kernel;
        private final int groups;
        private final int groupSize;
        private final List<Object> args = new ArrayList<>();

        private Builder(Kernel kernel, int groups, int groupSize) {
            this.kernel = kernel;
            this.groups = groups;
            this.groupSize = groupSize;
        }

        /** A {@code BLM_GLOBAL} pointer argument. */
        public Builder<B> buffer(B buffer) {
            args.add(buffer);
            return this;
        }

        /** A {@code blm_i64} argument. */
        public Builder<B> i64(long value) {
            args.add(value);
            return this;
        }

        /** An {@code int} argument. */
        public Builder<B> i32(int value) {
            args.add(value);
            return this;
        }

        public Launch<B> build() {
            return new Launch<>(kernel, groups, groupSize, args);
        }
    }
}
