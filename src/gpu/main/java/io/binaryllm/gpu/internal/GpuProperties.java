package io.binaryllm.gpu.internal;

import io.binaryllm.BadInputException;

/**
 * The system properties that tune the GPU kernels without changing their results: which is fastest depends on the
 * device, so the GPU session measures both ways.
 */
final class GpuProperties {
    private GpuProperties() {
    }

    /**
     * Queries a work-group of the one-pass kernel serves: 4 ({@code blm_topk_small}, the default) or 8
     * ({@code blm_topk_small8}: half the database traffic, twice the private state): {@code -Dbinaryllm.gpu.queryTile}.
     */
    static int queryTile() {
        String v = System.getProperty("binaryllm.gpu.queryTile", "4");
        return switch (v) {
            case "4" -> 4;
            case "8" -> 8;
            default -> throw new BadInputException("system property binaryllm.gpu.queryTile must be 4 or 8, got '" + v + "'");
        };
    }

    /**
     * Fewest rows a slice of the rows gets when few queries are sliced to fill the device: 4096, or
     * {@code -Dbinaryllm.gpu.minSliceRows} (tests set a few rows, so small databases are sliced too).
     */
    static long minSliceRows() {
        String v = System.getProperty("binaryllm.gpu.minSliceRows", "4096");
        try {
            long rows = Long.parseLong(v);
            if (rows >= 1) {
                return rows;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadInputException("system property binaryllm.gpu.minSliceRows must be a positive row count, got '" + v + "'");
    }
}
